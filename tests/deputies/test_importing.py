"""The pure part of the roster import: reading files, mapping headers, normalising, refusing."""

import datetime
import io

import openpyxl
import pytest

from deputies import importing
from deputies.choices import Education, Gender, Level, Party
from groups.choices import MemberRole

from .workbooks import HEADERS, LI, WANG, bad_rows, clean_rows, messy_rows, valid_id, xlsx


def parse(data: bytes, name="roster.xlsx"):
    return importing.parse_rows(importing.read_table(data, name))


@pytest.mark.parametrize("header,key", [
    ("出生日期", "birth"), ("出生年月", "birth"), ("手机", "mobile"), ("手机号", "mobile"), ("手机号码", "mobile"),
    ("单位职务", "workplace"), ("工作单位及职务", "workplace"), ("镇街", "area"), ("所属镇街", "area"),
    ("所属区划", "area"), (" 姓 名 ", "name"), ("*姓名", "name"), ("出生年月(如1975.03)", "birth"), ("备注", None),
])
def test_it_understands_the_usual_header_variants(header, key):
    assert importing.header_for(header) == key


@pytest.mark.parametrize("value,expected", [
    ("1975.03", datetime.date(1975, 3, 1)), ("1975-3", datetime.date(1975, 3, 1)),
    ("1975年3月", datetime.date(1975, 3, 1)), ("１９７５．０３", datetime.date(1975, 3, 1)),
    ("1975/03/12", datetime.date(1975, 3, 12)), ("197503", datetime.date(1975, 3, 1)),
    (datetime.datetime(1975, 3, 12), datetime.date(1975, 3, 12)), (1975.03, datetime.date(1975, 3, 1)),
    (1975.1, datetime.date(1975, 10, 1)), (27465, datetime.date(1975, 3, 12)), ("", None),
])
def test_it_reads_dates_written_in_every_usual_way(value, expected):
    assert importing.parse_month(value) == expected


@pytest.mark.parametrize("value", ["1975.13", "1975.00", "1975年2月30日", "明年", "2999.01"])
def test_it_refuses_dates_that_do_not_exist(value):
    with pytest.raises(importing.Refused):
        importing.parse_month(value)


def test_it_normalises_the_messy_values_people_type():
    assert importing.parse_party("党员") == Party.CPC
    assert importing.parse_party("九三学社") == Party.DEMOCRATIC
    assert importing.parse_level("市人大代表") == Level.CITY
    assert importing.parse_level("市级") == Level.CITY
    assert importing.parse_level("区") == Level.DISTRICT
    assert importing.parse_yes_no("√") is True
    assert importing.parse_yes_no("否") is False
    assert importing.parse_yes_no(" ") is None
    assert importing.parse_mobile("１３８ ０５６１ ２３４５") == "13805612345"
    assert importing.parse_mobile(13805612345) == "13805612345"
    assert importing.parse_education("在职研究生") == Education.POSTGRADUATE
    assert importing.parse_ethnicity("回") == "回族"
    assert importing.parse_role("组员") == MemberRole.MEMBER
    assert importing.parse_term("第十二届", Level.DISTRICT) == 12
    assert importing.parse_term("区十二届", Level.DISTRICT) == 12
    assert importing.clean_name("张　伟 ") == "张伟"


def test_it_checks_the_id_number_check_digit_and_birth_date():
    number, birth, gender = importing.parse_id_number(WANG.lower())
    assert (number, birth, gender) == (WANG, datetime.date(1980, 5, 1), Gender.MALE)
    assert importing.parse_id_number(LI)[2] == Gender.FEMALE
    wrong_digit = WANG[:-1] + ("0" if WANG[-1] != "0" else "1")
    with pytest.raises(importing.Refused, match="校验位"):
        importing.parse_id_number(wrong_digit)
    no_such_day = valid_id("19750230")
    with pytest.raises(importing.Refused, match="出生日期"):
        importing.parse_id_number(no_such_day)
    with pytest.raises(importing.Refused, match="数字"):
        importing.parse_id_number(3.40603198005010e17)


def test_it_refuses_levels_the_system_does_not_keep():
    for value in ("省", "全国人大代表", "市、区"):
        with pytest.raises(importing.Refused):
            importing.parse_level(value)


def test_it_parses_a_messy_workbook_into_clean_rows():
    rows = parse(xlsx(messy_rows()))
    assert [r.errors for r in rows] == [[], [], []]
    zhang, liu, chen = (r.values for r in rows)
    assert zhang["name"] == "张伟" and zhang["ethnicity"] == "汉族" and zhang["party"] == Party.CPC
    assert zhang["mobile"] == "13805612345" and zhang["level"] == Level.CITY and zhang["term"] == 17
    assert zhang["first_time"] is True and zhang["group_role"] == MemberRole.LEADER
    assert zhang["workplace"] == "东山街道周庄社区党委书记" and zhang["area"] == "东山街道"
    assert zhang["birth_date"] == datetime.date(1976, 8, 1)
    assert liu["birth_date"] == datetime.date(1975, 3, 1) and liu["level"] == Level.DISTRICT and liu["first_time"] is False
    assert chen["mobile"] == "13805610002" and chen["birth_date"] == datetime.date(1968, 11, 1)


def test_it_refuses_each_impossible_row_with_its_column_and_reason():
    rows = parse(xlsx(bad_rows()))
    reasons = {r.values.get("name") or "(no name)": [(e.column, e.reason) for e in r.errors] for r in rows}
    assert reasons["(no name)"] == [("姓名", "姓名不能为空")]
    assert reasons["坏月份"][0][0] == "出生年月" and "13" in reasons["坏月份"][0][1]
    assert reasons["省代表"][0][0] == "层级"
    assert reasons["短号码"][0][0] == "手机号码"
    assert reasons["无区划"] == []  # the area is checked against the database by the service
    assert reasons["错校验"][0] == ("身份证号", "身份证号校验位不正确,请核对")
    assert "不一致" in reasons["错生日"][0][1]
    assert [r.number for r in rows] == [2, 3, 4, 5, 6, 7, 8]


def test_it_ignores_unknown_columns_and_reads_csv_in_gbk():
    text = "序号,姓名,备注,层级,所属区划,手机\n1,王芳,无,区,东山街道,13800000001\n"
    rows = parse(text.encode("gb18030"), "名册.csv")
    assert rows[0].values["name"] == "王芳" and rows[0].values["mobile"] == "13800000001"
    rows = parse(("\ufeff" + text).encode("utf-8"), "名册.csv")
    assert rows[0].values["name"] == "王芳"


def test_it_offers_a_template_whose_roster_sheet_has_only_the_headers_and_the_example_in_the_notes():
    data = importing.template_workbook()
    with pytest.raises(importing.ImportFileError, match="表头下面没有数据行"):
        parse(data)  # nothing in the template itself is ever imported
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert [ws.title for ws in wb.worksheets] == ["代表名册", "填写说明"]
    assert wb["代表名册"].max_row == 1
    notes = [[c for c in row if c is not None] for row in wb["填写说明"].iter_rows(values_only=True)]
    assert [label for _k, label, _v in importing.COLUMNS] in notes and importing.EXAMPLE_ROW in notes


def test_it_refuses_the_template_example_row_when_a_file_still_has_it():
    rows = parse(xlsx(clean_rows() + [list(importing.EXAMPLE_ROW)]))
    assert [r.ok for r in rows] == [True, True, True, False]
    (error,) = rows[3].errors
    assert error.column == "身份证号" and error.value == importing.EXAMPLE_ID
    assert "导入模板中的示例行" in error.reason and "删除此行" in error.reason


@pytest.mark.parametrize("make,message", [
    (lambda: b"%PDF-1.4 not a spreadsheet", "无法识别"),
    (lambda: b"PK\x03\x04broken zip", "无法作为 Excel"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    (lambda: xlsx([], headers=[]), "没有任何内容"),
    (lambda: xlsx([["王芳", "区"]], headers=["foo", "bar"]), "不是可识别的表头"),
    (lambda: xlsx([["王芳", "区"]], headers=["姓名", "层级"]), "缺少必需的列:所属区划"),
    (lambda: xlsx([], headers=HEADERS), "没有数据行"),
    (lambda: xlsx(clean_rows(), title="相山区人大代表名册", merge="A1:Q1"), "合并单元格"),
    (lambda: xlsx(clean_rows(), formula="C3"), "公式"),
    (lambda: b"x" * (30 * 1024 * 1024), "文件过大"),
    (lambda: b"", "空的"),
])
def test_it_refuses_a_file_it_cannot_use_with_a_clear_message(make, message):
    with pytest.raises(importing.ImportFileError, match=message):
        importing.read_table(make(), "roster.xlsx")


def test_it_refuses_twenty_thousand_rows():
    lines = ["姓名,层级,所属区划"] + [f"代表{i},区,东山街道" for i in range(20_000)]
    with pytest.raises(importing.ImportFileError, match="最多导入 10000 行"):
        importing.read_table("\n".join(lines).encode(), "big.csv")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["姓名", "层级", "所属区划"])
    for i in range(20_000):
        ws.append([f"代表{i}", "区", "东山街道"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(importing.ImportFileError, match="最多导入 10000 行"):
        importing.read_table(out.getvalue(), "big.xlsx")


def test_it_refuses_a_csv_formula():
    with pytest.raises(importing.ImportFileError, match="公式"):
        importing.read_table("姓名,层级,所属区划\n=HYPERLINK(\"x\"),区,东山街道\n".encode(), "a.csv")


def openpyxl_rows(data: bytes) -> list[tuple[int, list]]:
    """What openpyxl's own reader gives for the first sheet, kept as read_table keeps rows."""
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    ws.reset_dimensions()  # read every row and column, whatever the sheet claims
    rows = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = list(values)
        while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
            cells.pop()
        if cells:
            rows.append((number, cells))
    return rows


def test_it_reads_every_kind_of_cell_as_openpyxl_does_from_inline_and_shared_strings():
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from .workbooks import as_excel_saves

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["张伟", "男", "汉族", datetime.datetime(1975, 3, 1), "中共党员", None, "  单位 ", "干部", 13805612345,
               "34060319750312001X", "区", 12, None, "东山街道", True, 1.5, False])
    ws["A4"] = CellRichText(["王", TextBlock(InlineFont(b=True), "建国")])  # row 3 left empty
    ws["D4"] = 27454
    ws["D4"].number_format = "yyyy-mm-dd"  # an Excel date serial shown as a date
    ws["Q4"] = "是"
    ws["T4"] = "beyond the headers"
    ws["A6"] = "   "  # a row of blanks is no row
    ws["C7"] = 3.4060319750312e17  # an ID number Excel turned into a number
    ws["A8"] = "<&>'\""
    plain = io.BytesIO()
    wb.save(plain)
    for data in (plain.getvalue(), as_excel_saves(plain.getvalue())):
        grid = importing._read_xlsx(data)
        assert grid == openpyxl_rows(data)
        assert [number for number, _cells in grid] == [1, 2, 4, 7, 8]
        assert grid[2][1][:4] == ["王建国", None, None, datetime.datetime(1975, 3, 1)]


def test_it_refuses_a_formula_in_a_sheet_saved_as_excel_saves_it():
    from .workbooks import as_excel_saves

    with pytest.raises(importing.ImportFileError, match="第 3 行 B 列是公式"):
        importing.read_table(as_excel_saves(xlsx(clean_rows()[:1], formula="B3")), "roster.xlsx")


def test_it_cleans_control_characters_from_imported_cells():
    cleaned = {"相山区\n东山街道办事处", "相山区 东山街道办事处"}  # the line break, or the space it is normalised to
    text = "姓名,层级,所属区划,工作单位及职务\n王芳,区,东山街道,相山区\x0b东山街道\x01办事处\n"
    assert parse(text.encode("utf-8"), "名册.csv")[0].values["workplace"] in cleaned
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "层级", "所属区划", "工作单位及职务"])
    wb.active.append(["王芳", "区", "东山街道", "相山区_x000B_东山街道办事处"])  # as Excel stores Shift+Enter
    buf = io.BytesIO()
    wb.save(buf)
    assert parse(buf.getvalue())[0].values["workplace"] in cleaned
