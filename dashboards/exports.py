"""Excel (.xlsx) exports of the dashboard tables: the period and scope are in the sheet title (Excel
allows 31 characters there, so the full wording is also the first row)."""

from __future__ import annotations

import io
import re

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font

_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(period, scope) -> str:
    return _BAD.sub("-", f"{period.label} {scope.label}")[:31]


def xlsx_response(*, filename: str, title: str, sheet: str, headers: list[str], rows: list[list]) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([float(v) if hasattr(v, "quantize") else v for v in row])
    for col, header in zip(ws.iter_cols(min_row=2, max_row=2), headers, strict=False):
        ws.column_dimensions[col[0].column_letter].width = max(10, len(str(header)) * 2 + 2)
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
