"""File downloads (.xlsx, .csv, print files): one way to name them and one way to write rates.

- `attach(response, filename)` sets ``Content-Disposition: attachment; filename="<ascii>";
  filename*=UTF-8''<percent-encoded>`` (RFC 6266 / RFC 5987): browsers show the Chinese name with its
  period (单位排名-2026年.xlsx); the plain ASCII name is for the few clients that ignore ``filename*``.
- `xlsx_response(workbook, filename)` saves an openpyxl workbook into such a response.
- `xlsx_stream(workbook, filename)` is for long exports: the workbook (write-only, so constant memory)
  is saved to a temporary file and the response streams that file in chunks (`FileResponse`). An .xlsx
  is a zip whose directory comes last, so it cannot be written straight into the response; the
  temporary file keeps the process's memory flat however many rows, and the file is deleted when the
  response is closed.
- `Rate(85.2)` marks a rate given in percent, as the selectors compute it; `cells(ws, row)` turns it
  into a cell holding the fraction 0.852 shown as 85.2% (number format ``0.0%``), so a spreadsheet can
  compute with it. Every rate cell of every export goes through `Rate`.
- Every row of every .xlsx export goes through `append(ws, row)` / `cells(ws, row)`, which makes each text
  cell safe to open: control characters cleaned (openpyxl refuses them, Word's Shift+Enter writes \\x0b) and
  text starting with = + - @ tab or CR written as text with Excel's quote prefix, so a title such as
  ``=HYPERLINK(...)`` is shown, never run, in Excel or WPS. Numbers stay numbers.
- Every sheet gets its title through `sheet_title(text)` (Excel forbids \\ / ? * [ ] : and > 31 characters).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
from django.utils.functional import Promise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PERCENT_FORMAT = "0.0%"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SHEET_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
# What Excel, WPS and LibreOffice treat as the start of a formula (or DDE) when a cell's text is entered.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31


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
    response.xs_download = filename  # audit.middleware records every download as an export event
    return response


# What a stored upload's own page may do when opened in the browser: show itself (an image, a PDF), nothing else.
STORED_FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def stored_file(field_file, *, filename: str, content_type: str, inline: bool | None = None,
                csp: str = STORED_FILE_CSP) -> FileResponse:
    """An uploaded file (attachment, evidence, photo) served to someone the view has already let read it:
    404 when the file is gone; photos and PDFs open in the browser unless `inline` says otherwise, anything
    else downloads; the browser may not sniff it into something that runs."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    if inline is None:
        inline = content_type.startswith("image/") or content_type == "application/pdf"
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type or None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = csp
    return response


def file_response(content: bytes, filename: str, *, content_type: str, fallback: str | None = None,
                  inline: bool = False) -> HttpResponse:
    return attach(HttpResponse(content, content_type=content_type), filename, fallback=fallback, inline=inline)


def xlsx_response(workbook, filename: str, *, fallback: str | None = None) -> HttpResponse:
    """An openpyxl workbook as a download named `filename`."""
    buf = io.BytesIO()
    workbook.save(buf)
    return file_response(buf.getvalue(), filename, content_type=XLSX, fallback=fallback)


STREAM_CHUNK = 64 * 1024


def xlsx_stream(workbook, filename: str, *, fallback: str | None = None):
    """A (write-only) openpyxl workbook as a download streamed in `STREAM_CHUNK` pieces from a temporary
    file, never held in memory whole."""
    import tempfile

    from django.http import FileResponse

    tmp = tempfile.TemporaryFile()  # unlinked already; gone when the response closes it
    workbook.save(tmp)
    size = tmp.tell()
    tmp.seek(0)
    response = FileResponse(tmp, content_type=XLSX)
    response.block_size = STREAM_CHUNK
    response["Content-Length"] = str(size)
    return attach(response, filename, fallback=fallback)


def xlsx_rows_stream(title: str, rows, filename: str, *, fallback: str | None = None):
    """`rows` (the first one the header) as an .xlsx download: written by `xlsx_file_write` into a
    temporary file, then streamed in `STREAM_CHUNK` pieces — for the lists' direct exports (up to
    JOB_EXPORT_ROWS rows)."""
    import os
    import tempfile

    from django.http import FileResponse

    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        xlsx_file_write(path, title, rows)
        tmp = open(path, "rb")  # noqa: SIM115 - the response closes it
    finally:
        os.unlink(path)  # the open file stays readable; nothing is left on disk
    size = os.fstat(tmp.fileno()).st_size
    response = FileResponse(tmp, content_type=XLSX)
    response.block_size = STREAM_CHUNK
    response["Content-Length"] = str(size)
    return attach(response, filename, fallback=fallback)


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


def sheet_title(title) -> str:
    """`title` as Excel accepts a sheet name: \\ / ? * [ ] : become "-", at most 31 characters, not empty."""
    from core.text import clean_text

    text = _SHEET_FORBIDDEN.sub("-", clean_text(str(title), single_line=True)).strip().strip("'")
    return text[:SHEET_TITLE_MAX] or "Sheet"


def text_cell(ws, value: str):
    """A text value as a cell safe to open: control characters cleaned; text that a spreadsheet would take
    as a formula is a text cell with the quote prefix (Excel's leading apostrophe), the text unchanged."""
    from openpyxl.cell import WriteOnlyCell

    from core.text import clean_text

    value = clean_text(value)
    if not value.startswith(FORMULA_START):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl makes every text starting with "=" a formula
    cell.quotePrefix = True
    return cell


def cells(ws, row) -> list:
    """`row` ready for ``ws.append``: a `Rate` becomes a percentage cell, a Decimal a float, text is made
    safe (`text_cell`); works for normal and write-only worksheets."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for value in row:
        if isinstance(value, Rate):
            cell = WriteOnlyCell(ws, value=value.fraction)
            cell.number_format = PERCENT_FORMAT
            value = cell
        elif isinstance(value, Decimal):
            value = float(value)
        elif isinstance(value, str):
            value = text_cell(ws, value)
        elif isinstance(value, Promise):
            value = text_cell(ws, str(value))  # a lazy translation
        out.append(value)
    return out


def append(ws, row) -> None:
    ws.append(cells(ws, row))


def xlsx_file_write(path, title, rows, *, progress=None, every: int = 2000) -> int:
    """Write `rows` (the first one the header) into a new .xlsx at `path` — the large exports run as
    background jobs (jobs/) and the lists' direct exports: `core.sheetwriter`, flat in memory and about
    seven times as fast as XlsxWriter's constant-memory mode (100,000 item rows: 0.9 s against 7.1 s; the
    figures in bench/RESULTS.md, "Exports"). The same cell rules as `cells`: control characters cleaned,
    text a spreadsheet would run as a formula written as text with the quote prefix, rates as
    percentages, Decimals as numbers. The rows are read inside one transaction: a server-side cursor
    (``.iterator()``) outside one is WITH HOLD, and PostgreSQL then computes every row before it sends
    the first. `progress(rows_written)` is called every `every` rows. Returns the number of data rows
    (the header not counted)."""
    from django.db import transaction

    from core import sheetwriter

    with transaction.atomic():
        return sheetwriter.write_rows(path, sheet_title(title), rows, progress=progress, every=every)
