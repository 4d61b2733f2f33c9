"""Opening uploaded .xlsx workbooks within limits: the one door for every import (roster, ledger, holidays,
suggestions).

An .xlsx file is a zip archive, and a few kilobytes of zip can expand to gigabytes of sheet XML (a "zip
bomb"). `check_archive(file)` reads only the archive's directory — never a member — and refuses the file
when the members' total uncompressed size exceeds ``XLSX_MAX_UNCOMPRESSED_BYTES`` (default 50 MB) or when a
large member (over 1 MB) is compressed more than ``XLSX_MAX_COMPRESSION_RATIO`` (default 200) times: real
workbooks stay well below either. `open_workbook(file)` checks, then opens the workbook read-only (openpyxl
then parses the sheet as it is iterated), and `sheet_rows(ws)` yields its rows one by one, refusing the
file after ``XLSX_MAX_ROWS`` (default 100,000) rows instead of reading on. Every refusal is an
`XlsxLimitError` whose text (Chinese) names the limit; each import turns it into its own error.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
RATIO_FLOOR = 1 * MB  # members smaller than this are never refused for their ratio


class XlsxLimitError(ValueError):
    """An uploaded workbook over one of the limits; str() is the Chinese message for the person."""


def max_uncompressed() -> int:
    return getattr(settings, "XLSX_MAX_UNCOMPRESSED_BYTES", 50 * MB)


def max_ratio() -> int:
    return getattr(settings, "XLSX_MAX_COMPRESSION_RATIO", 200)


def max_rows() -> int:
    return getattr(settings, "XLSX_MAX_ROWS", 100_000)


def _as_file(file):
    if isinstance(file, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(file))
    return file


def check_archive(file) -> None:
    """Refuse a workbook that would expand beyond the limits; reads the zip directory only. A file that is
    not a zip at all passes: opening it fails next, with the import's own "not a workbook" message."""
    file = _as_file(file)
    position = file.tell() if hasattr(file, "tell") else None
    try:
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError):
            return
        with archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.file_size > RATIO_FLOOR and info.file_size > max_ratio() * max(info.compress_size, 1):
                    raise XlsxLimitError(
                        _("文件内容异常:工作簿中的“%(name)s”压缩比超过 %(ratio)d 倍,可能是恶意构造的文件,已拒绝读取。")
                        % {"name": info.filename, "ratio": max_ratio()})
            if total > max_uncompressed():
                raise XlsxLimitError(
                    _("文件过大:工作簿解压后超过 %(mb)d MB 的上限,请拆分文件后分批导入。")
                    % {"mb": max_uncompressed() // MB})
    finally:
        if position is not None:
            file.seek(position)


def open_workbook(file, *, data_only: bool = True):
    """`file` (bytes or a file object) as a read-only openpyxl workbook, after `check_archive`.
    Raises `XlsxLimitError` over a limit; whatever openpyxl raises for a file that is not a workbook."""
    from openpyxl import load_workbook

    file = _as_file(file)
    check_archive(file)
    return load_workbook(file, read_only=True, data_only=data_only)


def too_many_rows() -> XlsxLimitError:
    return XlsxLimitError(_("行数过多:工作表超过 %(n)d 行的上限,请拆分文件后分批导入。") % {"n": max_rows()})


def sheet_rows(ws, *, limit: int | None = None):
    """The rows of a read-only worksheet as tuples of values, one at a time; `XlsxLimitError` after `limit`
    (default ``XLSX_MAX_ROWS``) rows, so a sheet of a million rows is never read to its end."""
    limit = max_rows() if limit is None else limit
    for count, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if count > limit:
            raise too_many_rows()
        yield row


def scan_member(source, pattern, *, chunk: int = 1 << 20, overlap: int = 2048):
    """The matches of the bytes regex `pattern` in an open archive member (a sheet's XML), read in chunks of
    `chunk` bytes — never the whole member at once. A match cut at a chunk's end is found in the next round
    (the last `overlap` bytes are read again), so a match may be yielded twice: callers de-duplicate."""
    tail = b""
    while data := source.read(chunk):
        buf = tail + data
        yield from pattern.finditer(buf)
        tail = buf[-overlap:]
