"""Zip-bomb caps and row limits of every .xlsx import (core/xlsx.py): roster, ledger, holidays, suggestions."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from core.xlsx import XlsxLimitError, check_archive, open_workbook, sheet_rows
from deputies.importing import ImportFileError as RosterError
from deputies.importing import read_table
from holidays.importing import ImportFileError as HolidayError
from holidays.importing import read_rows as holiday_rows
from ledger.services import LedgerError, ledger_import
from suggestions.importing import ImportFileError as SuggestionError
from suggestions.importing import suggestions_import

MB = 1024 * 1024


def bomb(uncompressed: int) -> bytes:
    """A real workbook whose first sheet's XML is padded (an XML comment of spaces) to `uncompressed`
    bytes: a few hundred kilobytes of zip. Written in chunks, so making it costs no memory either."""
    wb = openpyxl.Workbook()
    wb.active.append(["编号", "标题"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, data)
                continue
            head, sep, tail = data.partition(b"<sheetData>")
            with dst.open(info.filename, "w", force_zip64=True) as member:
                member.write(head + b"<!--")
                left = uncompressed - len(data)
                block = b" " * MB
                while left > 0:
                    member.write(block[:left])
                    left -= MB
                member.write(b"-->" + sep + tail)
    return out.getvalue()


def rows_workbook(n: int, header=("编号", "标题")) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(header))
    for i in range(n):
        ws.append([f"R{i}", "x"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


IMPORTS = [
    pytest.param(lambda data: read_table(data, "名册.xlsx"), RosterError, id="roster"),
    pytest.param(lambda data: ledger_import(file=io.BytesIO(data)), LedgerError, id="ledger"),
    pytest.param(lambda data: holiday_rows(data), HolidayError, id="holidays"),
    pytest.param(lambda data: suggestions_import(file=io.BytesIO(data)), SuggestionError, id="suggestions"),
]


def test_bomb_at_the_default_limit_is_refused_with_little_memory():
    data = bomb(51 * MB)
    assert len(data) < 1 * MB  # a small upload...
    tracemalloc.start()
    try:
        with pytest.raises(XlsxLimitError) as exc:
            open_workbook(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10 * MB  # ...refused from the zip directory, nothing expanded
    assert "50 MB" in str(exc.value) or "压缩比" in str(exc.value)


@pytest.mark.django_db
@pytest.mark.parametrize("run, error", IMPORTS)
def test_every_import_refuses_a_bomb_naming_the_limit(settings, run, error):
    settings.XLSX_MAX_COMPRESSION_RATIO = 10_000  # the size cap alone
    settings.XLSX_MAX_UNCOMPRESSED_BYTES = 3 * MB
    with pytest.raises(error) as exc:
        run(bomb(4 * MB))
    assert "解压后超过 3 MB" in str(exc.value)


@pytest.mark.django_db
@pytest.mark.parametrize("run, error", IMPORTS)
def test_every_import_refuses_an_extreme_compression_ratio(settings, run, error):
    with pytest.raises(error) as exc:
        run(bomb(2 * MB))  # 2 MB of spaces compress about 1000 times
    assert "压缩比超过 200 倍" in str(exc.value)


def test_ordinary_workbooks_pass_the_check():
    check_archive(rows_workbook(2000))
    check_archive(b"not a zip at all")  # the import's own "not a workbook" message follows


@pytest.mark.django_db
@pytest.mark.parametrize("run, error", [p for p in IMPORTS if p.id != "roster"])
def test_row_limit_per_import(settings, run, error):
    settings.XLSX_MAX_ROWS = 50
    with pytest.raises(error) as exc:
        run(rows_workbook(60))
    assert "超过 50 行" in str(exc.value)


def test_roster_keeps_its_own_lower_row_limit(settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 20
    with pytest.raises(RosterError) as exc:
        read_table(rows_workbook(30), "名册.xlsx")
    assert "20" in str(exc.value)


def test_sheet_rows_stops_reading_at_the_limit():
    wb = open_workbook(rows_workbook(500))
    seen = []
    with pytest.raises(XlsxLimitError):
        for row in sheet_rows(wb.worksheets[0], limit=10):
            seen.append(row)
    wb.close()
    assert len(seen) == 10
