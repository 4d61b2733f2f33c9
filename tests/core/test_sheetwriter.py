"""core.sheetwriter, the large exports' .xlsx writer (issue 16): files that open, the cells of
core.downloads' rules — control characters cleaned, formula-like text as text with the quote prefix,
numbers as numbers, rates as percentages — whether a row takes the all-text way or the mixed one."""

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import downloads, sheetwriter

FORMULAS = ["=A1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def read(path):
    return load_workbook(path).active  # the full loader: it checks the styles and the sheet


def test_a_text_row_keeps_its_cells_and_makes_each_one_safe(tmp_path):
    path = tmp_path / "a.xlsx"
    rows = [["编号", "标题"],
            ["SQ1", "路灯\x0b不亮\x01的问题", "", "a & b <c> d", " 两端空格 ", *FORMULAS, "普通"],
            ("SQ2", "含\x00空字符", "第三列")]
    assert sheetwriter.write_rows(path, "社情民意 & 台账", rows) == 2
    ws = read(path)
    assert ws.title == "社情民意 & 台账"
    row = [c for c in ws[2]]
    assert row[1].value == "路灯\n不亮的问题"
    assert row[2].value is None  # "" leaves the cell empty
    assert row[3].value == "a & b <c> d" and row[4].value == " 两端空格 "
    quoted = row[5:11]
    assert [c.value for c in quoted] == FORMULAS
    assert all(c.data_type == "s" and c.quotePrefix for c in quoted)
    assert not any(c.quotePrefix for c in row[:5]) and row[11].value == "普通" and not row[11].quotePrefix
    # A NUL inside a cell is dropped; the row's cells stay in their columns.
    assert [c.value for c in ws[3]][:3] == ["SQ2", "含空字符", "第三列"]


def test_a_mixed_row_writes_numbers_as_numbers_and_rates_as_percentages(tmp_path):
    path = tmp_path / "b.xlsx"
    rows = [["a"], [1, 2.5, Decimal("3.25"), True, downloads.Rate(85.2), downloads.Rate(None), None,
                    gettext_lazy("满意"), dt.date(2026, 2, 1), "=1+2", "x\x0by", float("nan")]]
    assert sheetwriter.write_rows(path, "x", rows) == 1
    cells = list(read(path).iter_rows(min_row=2))[0]
    assert [(c.value, c.data_type) for c in cells[:4]] == [(1, "n"), (2.5, "n"), (3.25, "n"), (True, "b")]
    assert cells[4].value == pytest.approx(0.852) and cells[4].number_format == "0.0%"
    assert cells[5].value is None and cells[6].value is None
    assert cells[7].value == "满意" and cells[8].value == "2026-02-01"
    assert cells[9].value == "=1+2" and cells[9].data_type == "s" and cells[9].quotePrefix
    assert cells[10].value == "x\ny" and cells[11].value == "nan"


def test_it_reports_progress_and_counts_the_data_rows(tmp_path):
    seen = []
    rows = (["标题"] if i == 0 else [f"第{i}条", i] for i in range(2501))
    assert sheetwriter.write_rows(tmp_path / "c.xlsx", "x", rows, progress=seen.append, every=1000) == 2500
    assert seen == [1000, 2000]
    ws = read(tmp_path / "c.xlsx")
    assert ws.max_row == 2501 and ws["A2501"].value == "第2500条" and ws["B2501"].value == 2500


def test_text_longer_than_excel_allows_is_cut_to_its_limit(tmp_path):
    sheetwriter.write_rows(tmp_path / "d.xlsx", "x", [["长" * 40_000], [1, "短" * 40_000]])
    ws = read(tmp_path / "d.xlsx")
    assert len(ws["A1"].value) == len(ws["B2"].value) == sheetwriter.EXCEL_MAX_CHARS


def test_the_package_has_only_what_a_workbook_needs(tmp_path):
    sheetwriter.write_rows(tmp_path / "e.xlsx", "x", [["a"]])
    with zipfile.ZipFile(tmp_path / "e.xlsx") as zf:
        assert zf.testzip() is None
        assert sorted(zf.namelist()) == ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels",
                                         "xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]


def test_a_failing_row_source_leaves_no_thread_waiting(tmp_path):
    import threading

    def rows():
        yield ["a"]
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        sheetwriter.write_rows(tmp_path / "f.xlsx", "x", rows())
    assert not [t for t in threading.enumerate() if t.name == "xlsx-deflate"]


def test_column_letters():
    assert [sheetwriter.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_the_limit_counts_as_excel_does_an_emoji_twice_and_never_half_of_one(tmp_path):
    emoji = "😀"  # outside the Basic Multilingual Plane: two UTF-16 units
    sheetwriter.write_rows(tmp_path / "f.xlsx", "x", [[emoji * 20_000], [1, "a" + emoji * 20_000]])
    ws = read(tmp_path / "f.xlsx")
    assert ws["A1"].value == emoji * (sheetwriter.EXCEL_MAX_CHARS // 2)  # 16,383 emoji = 32,766 units
    assert ws["B2"].value == "a" + emoji * (sheetwriter.EXCEL_MAX_CHARS // 2)  # 32,767 units exactly
    assert len(ws["A1"].value.encode("utf-16-le")) // 2 <= sheetwriter.EXCEL_MAX_CHARS
