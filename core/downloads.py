"""File downloads (.xlsx, .csv, print files): one way to name them and one way to write rates.

- `attach(response, filename)` sets ``Content-Disposition: attachment; filename="<ascii>";
  filename*=UTF-8''<percent-encoded>`` (RFC 6266 / RFC 5987): browsers show the Chinese name with its
  period (单位排名-2026年.xlsx); the plain ASCII name is for the few clients that ignore ``filename*``.
- `xlsx_response(workbook, filename)` saves an openpyxl workbook into such a response.
- `Rate(85.2)` marks a rate given in percent, as the selectors compute it; `cells(ws, row)` turns it
  into a cell holding the fraction 0.852 shown as 85.2% (number format ``0.0%``), so a spreadsheet can
  compute with it. Every rate cell of every export goes through `Rate`.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PERCENT_FORMAT = "0.0%"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_fallback(filename: str) -> str:
    """The ASCII name for clients without RFC 5987: the ASCII letters, digits and dashes of the name."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    stem = _UNSAFE.sub("_", stem).strip("_-.") or "download"
    ext = _UNSAFE.sub("", ext)
    return f"{stem}.{ext}" if ext else stem


def content_disposition(filename: str, *, fallback: str | None = None, inline: bool = False) -> str:
    """The Content-Disposition header value for `filename` (any Unicode), with an ASCII fallback."""
    plain = ascii_fallback(fallback or filename)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attach(response: HttpResponse, filename: str, *, fallback: str | None = None,
           inline: bool = False) -> HttpResponse:
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback, inline=inline)
    return response


def file_response(content: bytes, filename: str, *, content_type: str, fallback: str | None = None,
                  inline: bool = False) -> HttpResponse:
    return attach(HttpResponse(content, content_type=content_type), filename, fallback=fallback, inline=inline)


def xlsx_response(workbook, filename: str, *, fallback: str | None = None) -> HttpResponse:
    """An openpyxl workbook as a download named `filename`."""
    buf = io.BytesIO()
    workbook.save(buf)
    return file_response(buf.getvalue(), filename, content_type=XLSX, fallback=fallback)


class Rate:
    """A rate in percent (85.2 for 85.2 %), or None when there is nothing to divide by."""

    __slots__ = ("percent",)

    def __init__(self, percent):
        self.percent = percent

    @property
    def fraction(self) -> float | None:
        if self.percent is None:
            return None
        return float(Decimal(str(self.percent)) / 100)

    def __repr__(self):
        return f"Rate({self.percent!r})"


def cells(ws, row) -> list:
    """`row` ready for ``ws.append``: a `Rate` becomes a percentage cell, a Decimal a float; works for
    normal and write-only worksheets."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for value in row:
        if isinstance(value, Rate):
            cell = WriteOnlyCell(ws, value=value.fraction)
            cell.number_format = PERCENT_FORMAT
            value = cell
        elif isinstance(value, Decimal):
            value = float(value)
        out.append(value)
    return out


def append(ws, row) -> None:
    ws.append(cells(ws, row))
