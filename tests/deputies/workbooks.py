"""Sample roster files the tests build with openpyxl: a clean one and a messy one, as district staff keep them."""

import datetime
import io
import re
import zipfile

import openpyxl

from deputies.importing import id_check_digit

HEADERS = ["姓名", "性别", "民族", "出生年月", "政治面貌", "学历", "工作单位及职务", "职业构成", "手机号码", "身份证号",
           "层级", "届次", "选区", "所属区划", "代表小组", "小组职务", "是否初任"]


def valid_id(birth: str, seq: str = "001") -> str:
    """A fictitious ID with a correct GB 11643 check digit; seq's last digit odd = male."""
    first17 = f"340603{birth}{seq}"
    return first17 + id_check_digit(first17)


def xlsx(rows, headers=HEADERS, *, title=None, merge=None, formula=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    if formula:
        ws[formula] = "=1+1"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_excel_saves(data: bytes) -> bytes:
    """An openpyxl workbook with its text moved into a shared-strings table, as Excel and WPS save a sheet
    (openpyxl writes every text cell as an inline string)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    table: dict[str, int] = {}

    def cell(match):
        index = table.setdefault(match.group(3), len(table))
        return f'<c{match.group(1)} t="s"{match.group(2)}><v>{index}</v></c>'

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = re.sub(r'<c([^>]*?) t="inlineStr"([^>]*)><is><t>([^<]*)</t></is></c>', cell,
                              body.decode()).encode()
            elif item.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlfor'
                                    b'mats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            target.writestr(item, body)
        strings = "".join(f"<si><t>{text}</t></si>" for text in table)
        target.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
                        'http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">{1}</sst>'
                        .format(len(table), strings))
    return out.getvalue()


WANG = valid_id("19800501", "003")  # 王建国, male; a 市 and 区 deputy (two rows)
LI = valid_id("19750312", "002")  # 李芳, female


def clean_rows():
    return [
        ["王建国", "男", "汉族", "1980.05", "中共党员", "大学本科", "东山街道办事处主任", "党政领导干部", "13905610001", WANG,
         "区", "十二届", "东山街道第1选区", "东山街道", "东山街道第二代表小组", "组长", "是"],
        ["王建国", "男", "汉族", "1980.05", "中共党员", "大学本科", "东山街道办事处主任", "党政领导干部", "13905610001", WANG,
         "市", "十七届", "相山区第2选区", "东山街道", "市人大第十三代表小组", "成员", "否"],
        ["李芳", "女", "回族", "1975.03", "群众", "大学专科", "淮北市人民医院护士长", "专业技术人员", "13905610002", LI,
         "区", "十二届", "任圩街道第3选区", "任圩街道", "任圩街道第一代表小组", "副组长", "否"],
    ]


def messy_rows():
    """The same kind of data as people really type it."""
    return [
        # full-width digits, padded name, Excel date, 党员, level 市人大代表, √, trailing blanks
        ["张　伟 ", "男", "汉", datetime.datetime(1976, 8, 1), "党员", "本科", "  东山街道周庄社区党委书记  ", "干部",
         "１３８０５６１２３４５", "", "市人大代表", "第十七届", "", "东山街道 ", "市人大第十三代表小组", "组长", "√"],
        # 1975-3, 1975年3月 style dates, level 区级, 否
        ["刘梅", "女", "汉族", "1975-3", "中共党员", "研究生", "相山区实验小学校长", "专业技术人员", "13805610001 ", "",
         "区级", "12", "", "周庄社区", "", "", "否"],
        ["陈强", "男", "汉族", "1968年11月", "群众", "高中", "淮北矿业集团工人", "工人", "138-0561-0002", "",
         "镇", "八届", "渠沟镇第2选区", "渠沟镇", "渠沟镇第一代表小组", "", ""],
    ]


def bad_rows():
    """One row per reason for refusal."""
    return [
        ["", "男", "汉族", "1970.01", "群众", "", "", "", "13800000001", "", "区", "十二届", "", "东山街道", "", "", ""],
        ["坏月份", "男", "汉族", "1975.13", "群众", "", "", "", "13800000002", "", "区", "十二届", "", "东山街道", "", "", ""],
        ["省代表", "男", "汉族", "1975.01", "群众", "", "", "", "13800000003", "", "省", "十二届", "", "东山街道", "", "", ""],
        ["短号码", "男", "汉族", "1975.01", "群众", "", "", "", "1380000", "", "区", "十二届", "", "东山街道", "", "", ""],
        ["无区划", "男", "汉族", "1975.01", "群众", "", "", "", "13800000005", "", "区", "十二届", "", "火星街道", "", "", ""],
        ["错校验", "男", "汉族", "1975.03", "群众", "", "", "", "13800000006", WANG[:-1] + ("0" if WANG[-1] != "0" else "1"),
         "区", "十二届", "", "东山街道", "", "", ""],
        ["错生日", "女", "汉族", "1990.01", "群众", "", "", "", "13800000007", LI, "区", "十二届", "", "东山街道", "", "", ""],
    ]
