"""Excel (.xlsx) exports of the dashboard tables: the period and scope are in the sheet title (Excel
allows 31 characters there, so the full wording is also the first row). File names and rate cells
through core/downloads.py, as every download of the project."""

from __future__ import annotations

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from core import downloads


def sheet_title(period, scope) -> str:
    return downloads.sheet_title(f"{period.label} {scope.label}")


def download_name(name, period) -> str:
    """单位排名-2026年.xlsx: what the table is, then the period."""
    return f"{name}-{period.label}.xlsx"


def xlsx_response(*, filename: str, title: str, sheet: str, headers: list[str], rows: list[list],
                  fallback: str | None = None) -> HttpResponse:
    """`rows` may hold `core.downloads.Rate` values (percent): written as fractions shown as 85.2%."""
    wb = Workbook()
    ws = wb.active
    ws.title = downloads.sheet_title(sheet)
    downloads.append(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    downloads.append(ws, headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        downloads.append(ws, row)
    for col, header in zip(ws.iter_cols(min_row=2, max_row=2), headers, strict=False):
        ws.column_dimensions[col[0].column_letter].width = max(10, len(str(header)) * 2 + 2)
    ws.freeze_panes = "A3"
    return downloads.xlsx_response(wb, filename, fallback=fallback)
