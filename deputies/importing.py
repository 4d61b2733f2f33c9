"""Reading a roster spreadsheet (代表名册) into clean rows: pure functions, no database.

The flow is `read_table` (bytes → header + raw rows, or an `ImportFileError` for a file that
cannot be used at all) → `parse_rows` (raw rows → `ParsedRow`, each with normalised values and
the reasons it is refused). Matching rows to people in the database and writing them is the
service `deputies.services.roster_import`.

Real spreadsheets are messy: full-width digits and spaces, trailing blanks, dates typed as
1975.03 / 1975-3 / 1975年3月 or stored as Excel dates, √ for yes, 党员 for 中共党员. The
normalisers below accept those; what cannot mean anything is refused with its reason.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.text import clean_cell
from groups.choices import MemberRole

from .choices import Education, Gender, Level, Occupation, Party

# ----------------------------------------------------------------------------- the columns

# key, the header written in our template, accepted variants (compared after normalising).
COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("name", "姓名", ("代表姓名", "名字")),
    ("gender", "性别", ()),
    ("ethnicity", "民族", ()),
    ("birth", "出生年月", ("出生日期", "出生年月日", "生日")),
    ("party", "政治面貌", ("党派",)),
    ("education", "学历", ("文化程度", "最高学历")),
    ("workplace", "工作单位及职务", ("单位职务", "单位及职务", "工作单位", "工作单位职务", "工作单位和职务")),
    ("occupation", "职业构成", ("代表构成", "职业", "职业类别")),
    ("mobile", "手机号码", ("手机", "手机号", "联系电话", "移动电话")),
    ("id_number", "身份证号", ("身份证号码", "公民身份号码", "身份证")),
    ("level", "层级", ("代表层级", "级别")),
    ("term", "届次", ("届别",)),
    ("constituency", "选区", ("选举单位",)),
    ("area", "所属区划", ("镇街", "所属镇街", "区划", "所属街道", "所属镇街道", "镇街道")),
    ("group", "代表小组", ("所在小组", "所在代表小组", "小组")),
    ("group_role", "小组职务", ("组内职务", "小组职位")),
    ("first_time", "是否初任", ("初任",)),
]
HEADER_LABELS = {key: label for key, label, _v in COLUMNS}
REQUIRED_COLUMNS = ("name", "level", "area")
EXAMPLE_ROW = ["张伟", "男", "汉族", "1975.03", "中共党员", "大学本科", "东山街道周庄社区党委书记", "党政领导干部",
               "13805612345", "340603197503120015", "区", "十二届", "东山街道第3选区", "东山街道",
               "东山街道区人大代表小组", "组长", "是"]
EXAMPLE_ID = EXAMPLE_ROW[9]  # a file that still has the example row is refused on it


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)  # 出生年月(如1975.03)
    return re.sub(r"[\s*:]", "", text)


_HEADER_INDEX = {_header_key(h): key for key, label, variants in COLUMNS for h in (label, *variants)}


def header_for(text) -> str | None:
    """The column key a header cell means, or None for a column we do not read."""
    if text is None:
        return None
    return _HEADER_INDEX.get(_header_key(text))


# ----------------------------------------------------------------------------- the file


class ImportFileError(Exception):
    """The file as a whole cannot be imported (the message says why, in Chinese)."""


@dataclass
class Table:
    headers: list[str]  # the header row as written
    rows: list[tuple[int, list]]  # (spreadsheet row number, cell values)
    header_row: int = 1


def _max_rows() -> int:
    from django.conf import settings

    return getattr(settings, "ROSTER_IMPORT_MAX_ROWS", 10_000)


def _max_bytes() -> int:
    from django.conf import settings

    return getattr(settings, "ROSTER_IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def check_size(size: int) -> None:
    limit = _max_bytes()
    if size > limit:
        raise ImportFileError(_("文件过大(%(size).1f MB),名册文件不能超过 %(limit)d MB。")
                              % {"size": size / 1024 / 1024, "limit": limit // 1024 // 1024})
    if size == 0:
        raise ImportFileError(_("文件是空的。"))


def read_table(data: bytes, filename: str = "") -> Table:
    """Bytes of an .xlsx or .csv file → its header row and data rows (empty rows dropped)."""
    check_size(len(data))
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04":
        grid = _read_xlsx(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_("不支持旧版 .xls 格式,请在 Excel 中“另存为” .xlsx 后再导入。"))
    elif name.endswith((".csv", ".txt")) or (not name and _looks_like_text(data)):
        grid = _read_csv(data)
    else:
        raise ImportFileError(_("无法识别的文件:请上传 Excel 工作簿(.xlsx)或 CSV 文件。"))
    for _number, cells in grid:  # no control character reaches the roster (they break exports)
        cells[:] = [clean_cell(c) for c in cells]
    return _split_header(grid)


def _looks_like_text(data: bytes) -> bool:
    return b"\x00" not in data[:4096]


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from core.xlsx import XlsxLimitError, open_workbook

    # openpyxl opens the package (workbook, shared strings, styles); the rows are read by
    # `_sheet_rows` below, which streams the sheet XML without openpyxl's per-cell objects: those cost
    # tens of microseconds a cell for inline strings (what openpyxl itself writes), so ten thousand
    # rows took 3–5 s to read instead of under one. data_only=False: formulas stay visible so they
    # can be refused.
    try:
        wb = open_workbook(data, data_only=False)  # zip-bomb caps checked before anything is read
        ws = wb.worksheets[0] if wb.worksheets else None
    except XlsxLimitError as exc:
        raise ImportFileError(str(exc)) from None
    except Exception as exc:  # openpyxl raises many kinds on broken files; none of them is our bug
        raise ImportFileError(_("文件无法作为 Excel 工作簿打开,可能已损坏或不是 .xlsx 文件。")) from exc
    if ws is None or not hasattr(ws, "_worksheet_path"):
        raise ImportFileError(_("工作簿中没有可读取的工作表。"))
    merged = _merged_ranges(data, ws._worksheet_path)
    if merged:
        raise ImportFileError(_("工作表含有合并单元格(%(where)s),请取消合并、每行填写完整后再导入。")
                              % {"where": "、".join(merged[:3])})
    limit = _max_rows() + 1
    grid = []
    try:
        with wb._archive.open(ws._worksheet_path) as source:
            for number, cells in _sheet_rows(source, strings=ws._shared_strings, epoch=wb.epoch,
                                             date_styles=wb._date_formats, timedelta_styles=wb._timedelta_formats):
                while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
                    cells.pop()
                if not cells:
                    continue
                grid.append((number, cells))
                if len(grid) > limit:
                    raise _too_many_rows()
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("工作表内容无法读取,文件可能已损坏。")) from exc
    finally:
        wb.close()
    return grid


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _V, _F, _IS, _T, _R = (_NS + tag for tag in ("row", "v", "f", "is", "t", "r"))
_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """'AB12' → 28."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        _COLUMNS[letters] = index
    return index


def _plain_text(element) -> str:
    """The text of an inline string (<is>): its <t> and rich-text runs, without phonetic guides (<rPh>)."""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.append(child.findtext(_T) or "")
    return "".join(parts)


def _sheet_rows(source, *, strings, epoch, date_styles, timedelta_styles):
    """(row number, cell values) for every <row> of a worksheet's XML, values as openpyxl's
    `iter_rows(values_only=True)` gives them: text, int/float, datetime for date-formatted numbers,
    bool. A formula raises ImportFileError (the user must paste values)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.xml.functions import iterparse  # defusedxml's when installed, as openpyxl reads

    number = 0
    for _event, row in iterparse(source, events=("end",)):
        if row.tag != _ROW:
            continue
        number = int(row.get("r") or number + 1)
        cells: list = []
        column = 0
        for cell in row:
            ref = cell.get("r")
            column = _column(ref) if ref else column + 1
            if cell.find(_F) is not None:
                raise ImportFileError(_("第 %(row)d 行 %(col)s 列是公式,请把公式复制后“粘贴为数值”再导入。")
                                      % {"row": number, "col": get_column_letter(column)})
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                inline = cell.find(_IS)
                value = _plain_text(inline) if inline is not None else None
            else:
                value = cell.findtext(_V) or None
                if value is None:
                    pass
                elif kind == "s":
                    value = strings[int(value)]
                elif kind == "n":
                    value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                    style = int(cell.get("s", 0))
                    if style in date_styles:
                        try:
                            value = from_excel(value, epoch, timedelta=style in timedelta_styles)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"
                elif kind == "b":
                    value = bool(int(value))
                elif kind == "d":
                    value = from_ISO8601(value)
                # "str" (a formula's cached text) and "e" (#N/A …) stay text
            if value is None:
                continue
            if isinstance(value, str) and value.startswith("="):
                raise ImportFileError(_("第 %(row)d 行 %(col)s 列是公式,请把公式复制后“粘贴为数值”再导入。")
                                      % {"row": number, "col": get_column_letter(column)})
            if column > len(cells):
                cells.extend([None] * (column - len(cells)))
            cells[column - 1] = value
        row.clear()
        if cells:
            yield number, cells


def _merged_ranges(data: bytes, sheet_path: str) -> list[str]:
    """The merged ranges of a sheet, read from its XML (read-only mode does not expose them)."""
    from core.xlsx import scan_member

    found: dict[str, None] = {}  # in order, without the repeats of the chunks' overlap
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path.lstrip("/")) as source:
            for m in scan_member(source, _MERGE_CELL):  # in chunks, never the whole sheet at once
                found[m[1].decode()] = None
    except (KeyError, zipfile.BadZipFile):
        return []
    return list(found)


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z0-9:]+)"')


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise ImportFileError(_("CSV 文件的编码无法识别,请用 UTF-8 或 GBK 保存。"))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    grid = []
    limit = _max_rows() + 1
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if not any(c.strip() for c in cells):
                continue
            for index, cell in enumerate(cells, start=1):
                if cell.strip().startswith("="):
                    raise ImportFileError(_("第 %(row)d 行第 %(col)d 列是公式,请只保留数值后再导入。")
                                          % {"row": number, "col": index})
            grid.append((number, cells))
            if len(grid) > limit:
                raise _too_many_rows()
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件格式有误:%(error)s") % {"error": exc}) from exc
    return grid


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("行数过多:一次最多导入 %(max)d 行,请拆分文件后分批导入。") % {"max": _max_rows()})


def _split_header(grid: list[tuple[int, list]]) -> Table:
    if not grid:
        raise ImportFileError(_("文件中没有任何内容。"))
    header_row, headers = grid[0]
    headers = ["" if h is None else str(h) for h in headers]
    keys = [header_for(h) for h in headers]
    if not any(keys):
        raise ImportFileError(_("第 %(row)d 行不是可识别的表头。第一行应是“姓名、性别、层级、所属区划……”等列名,"
                                "请下载导入模板对照。") % {"row": header_row})
    seen: dict[str, str] = {}
    for header, key in zip(headers, keys, strict=True):
        if key and key in seen:
            raise ImportFileError(_("表头“%(a)s”与“%(b)s”是同一列,请删除其中一列。") % {"a": seen[key], "b": header})
        if key:
            seen[key] = header
    missing = [HEADER_LABELS[k] for k in REQUIRED_COLUMNS if k not in seen]
    if missing:
        raise ImportFileError(_("缺少必需的列:%(cols)s。") % {"cols": "、".join(missing)})
    rows = grid[1:]
    if not rows:
        raise ImportFileError(_("表头下面没有数据行。"))
    if len(rows) > _max_rows():
        raise _too_many_rows()
    return Table(headers=headers, rows=rows, header_row=header_row)


# ----------------------------------------------------------------------------- normalisers


class Refused(ValueError):
    """One value cannot be used; the message is the reason shown to the user."""


def clean_text(value) -> str:
    """Full-width → half-width, non-breaking and ideographic spaces → one space, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def clean_name(value) -> str:
    # Two-character names are often padded to line up: "张  伟".
    text = clean_text(value)
    if re.search(r"[\u4e00-\u9fff]", text):
        text = text.replace(" ", "")
    return text


def parse_gender(value) -> str:
    text = clean_text(value).upper()
    if not text:
        return ""
    if text in ("男", "M", "MALE", "男性"):
        return Gender.MALE
    if text in ("女", "F", "FEMALE", "女性"):
        return Gender.FEMALE
    raise Refused(_("性别只能是“男”或“女”"))


def parse_ethnicity(value) -> str:
    text = clean_text(value).replace(" ", "")
    if not text:
        return ""
    if len(text) <= 3 and not text.endswith("族") and re.fullmatch(r"[\u4e00-\u9fff]+", text):
        text += "族"  # 汉 → 汉族, 回 → 回族
    if len(text) > 20:
        raise Refused(_("民族过长"))
    return text


_YM = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(?:(\d{1,2})\s*日?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def parse_month(value, *, today: datetime.date | None = None) -> datetime.date | None:
    """A birth date or month → a date (the 1st when only the month is known)."""
    today = today or datetime.date.today()
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _number_to_date(value)
    else:
        text = clean_text(value).replace(" ", "")
        if not text:
            return None
        match = _YM.match(text) or _COMPACT.match(text)
        if not match:
            raise Refused(_("无法识别的日期,请写成 1975.03 或 1975-03"))
        year, month = int(match.group(1)), int(match.group(2))
        day = int(match.group(3)) if match.group(3) else 1
        result = _make_date(year, month, day)
    if not (1900 <= result.year) or result > today:
        raise Refused(_("出生日期不合理"))
    return result


def _make_date(year: int, month: int, day: int) -> datetime.date:
    if not 1 <= month <= 12:
        raise Refused(_("月份 %(m)d 不存在") % {"m": month})
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise Refused(_("日期不存在"))


def _number_to_date(number: float) -> datetime.date:
    if isinstance(number, float) and not number.is_integer():
        # A cell typed as 1975.03 that Excel kept as a number. Excel drops the trailing zero of
        # 1975.10, so two decimal digits are assumed (1975.1 → October), as official forms write them.
        year = int(number)
        month = round((number - year) * 100)
        if 1900 <= year <= 2100:
            return _make_date(year, month, 1)
    number = int(number)
    if 190001 <= number <= 210012:  # 197503
        return _make_date(number // 100, number % 100, 1)
    if 19000101 <= number <= 21001231:  # 19750312
        return _make_date(number // 10000, number // 100 % 100, number % 100)
    if 1 <= number <= 80000:  # an Excel serial date the sheet did not format as a date
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=number)
    raise Refused(_("无法识别的日期,请写成 1975.03 或 1975-03"))


_PARTY = [
    (Party.CPC, ("中共党员", "党员", "中共预备党员", "预备党员", "中国共产党党员", "共产党员", "中共")),
    (Party.MASSES, ("群众", "无党派", "无党派人士", "无")),
    (Party.DEMOCRATIC, ("民主党派", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟",
                        "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员",
                        "台盟盟员")),
]


def parse_party(value) -> str:
    text = clean_text(value).replace(" ", "")
    if not text:
        return ""
    for party, names in _PARTY:
        if text in names:
            return party
    raise Refused(_("无法识别的政治面貌,可填:中共党员、民主党派(或党派名称)、群众"))


_EDUCATION = [
    (Education.POSTGRADUATE, ("研究生", "硕士", "博士")),
    (Education.COLLEGE, ("大专", "专科")),
    (Education.BACHELOR, ("本科", "大学", "学士")),
    (Education.SECONDARY, ("中专", "高中", "中技", "职高", "技校")),
    (Education.BELOW, ("初中", "小学", "以下")),
]


def parse_education(value) -> str:
    text = clean_text(value).replace(" ", "")
    if not text:
        return ""
    for education, words in _EDUCATION:
        if any(w in text for w in words):
            return education
    raise Refused(_("无法识别的学历,可填:研究生、大学本科、大学专科、中专/高中、初中及以下"))


_OCCUPATION = [
    (Occupation.CADRE, ("党政领导干部", "领导干部", "党政干部", "干部")),
    (Occupation.CIVIL_SERVANT, ("公务员",)),
    (Occupation.PROFESSIONAL, ("专业技术人员", "专业技术", "专技人员", "专技")),
    (Occupation.ENTERPRISE, ("企业负责人", "企业管理人员", "企业家", "企业")),
    (Occupation.WORKER, ("工人",)),
    (Occupation.FARMER, ("农民",)),
    (Occupation.MILITARY, ("解放军", "军人", "武警")),
    (Occupation.OTHER, ("其他", "其它")),
]


def parse_occupation(value) -> str:
    text = clean_text(value).replace(" ", "")
    if not text:
        return ""
    for occupation, words in _OCCUPATION:
        if any(w in text for w in words):
            return occupation
    labels = "、".join(str(label) for _v, label in Occupation.choices)
    raise Refused(_("无法识别的职业构成,可填:%(labels)s") % {"labels": labels})


def parse_mobile(value) -> str:
    text = clean_text(value)
    if not text:
        return ""
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not re.fullmatch(r"1\d{10}", digits):
        raise Refused(_("手机号码应为 1 开头的 11 位数字"))
    return digits


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(value) -> tuple[str, datetime.date | None, str]:
    """An 18-character citizen ID → (ID, birth date, gender); refused when it cannot be right."""
    if isinstance(value, float):
        raise Refused(_("身份证号被 Excel 存成了数字,末几位已丢失;请把该列设为“文本”后重新填写"))
    text = clean_text(value).replace(" ", "").upper()
    if not text:
        return "", None, ""
    if len(text) == 15 and text.isdigit():
        raise Refused(_("请填写 18 位身份证号(15 位旧号码请升位)"))
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise Refused(_("身份证号应为 18 位(最后一位可以是 X)"))
    try:
        birth = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise Refused(_("身份证号中的出生日期不存在"))
    if birth.year < 1900 or birth > datetime.date.today():
        raise Refused(_("身份证号中的出生日期不合理"))
    if id_check_digit(text[:17]) != text[17]:
        raise Refused(_("身份证号校验位不正确,请核对"))
    gender = Gender.MALE if int(text[16]) % 2 else Gender.FEMALE
    return text, birth, gender


_LEVEL_WORDS = [(Level.CITY, ("市",)), (Level.DISTRICT, ("区", "县")), (Level.TOWN, ("镇", "乡"))]
_OTHER_LEVELS = ("全国", "省")


def parse_level(value) -> str:
    text = clean_text(value).replace(" ", "")
    if not text:
        raise Refused(_("层级不能为空"))
    core = re.sub(r"(人大代表|人大|代表|级)", "", text)
    if any(w in core for w in _OTHER_LEVELS):
        raise Refused(_("本系统只管理市、区、镇三级代表"))
    found = {level for level, words in _LEVEL_WORDS if core in words}
    if len(found) == 1:
        return found.pop()
    if re.search(r"[、,,/和及]", core):
        raise Refused(_("一行只能填一个层级;两级代表请分两行填写"))
    raise Refused(_("无法识别的层级,可填:市、区、镇"))


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_to_int(text: str) -> int | None:
    """十二 → 12, 二十 → 20, 八 → 8, 12 → 12; None when it is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    if len(text) == 1:
        return _CN_DIGITS[text]
    return None


def parse_term(value, level: str | None) -> int | None:
    """第十二届 / 十二届 / 区十二届 / 12 → 12 (None when empty: the level's current term is used)."""
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    match = re.fullmatch(r"(市|区|县|镇|乡)?(?:人大)?第?([0-9一二三四五六七八九十〇零两]+)届?(?:人大代表)?", text)
    number = cn_to_int(match.group(2)) if match else None
    if not number or number > 99:
        raise Refused(_("无法识别的届次,请写成“十二届”或“12”"))
    if match.group(1) and level:
        named = {"市": Level.CITY, "区": Level.DISTRICT, "县": Level.DISTRICT, "镇": Level.TOWN, "乡": Level.TOWN}
        if named[match.group(1)] != level:
            raise Refused(_("届次中的层级与“层级”列不一致"))
    return number


_YES = ("是", "√", "✓", "✔", "Y", "YES", "TRUE", "1", "初任", "对")
_NO = ("否", "×", "✗", "X", "N", "NO", "FALSE", "0", "连任", "非初任", "不是")


def parse_yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = clean_text(value).replace(" ", "").upper()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise Refused(_("请填“是”或“否”"))


def parse_role(value) -> str | None:
    text = clean_text(value).replace(" ", "")
    if not text:
        return None
    if text in ("组长",):
        return MemberRole.LEADER
    if text in ("副组长",):
        return MemberRole.DEPUTY_LEADER
    if text in ("成员", "组员", "小组成员"):
        return MemberRole.MEMBER
    raise Refused(_("小组职务只能是组长、副组长或成员"))


def parse_area_name(value) -> str:
    return clean_text(value).replace(" ", "")


# ----------------------------------------------------------------------------- the rows


@dataclass
class RowError:
    column: str  # the header as the user wrote it (or our label)
    value: str
    reason: str


@dataclass
class ParsedRow:
    """One data row of the file, normalised. `values` holds only what the row says (blanks are absent
    or None), so an update never blanks a field the file left empty."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    def refuse(self, column_key: str, value, reason: str, headers: dict | None = None) -> None:
        label = (headers or {}).get(column_key) or HEADER_LABELS.get(column_key, column_key)
        self.errors.append(RowError(column=label, value=_show(value), reason=str(reason)))


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d")
    return clean_text(value)[:60]


_SIMPLE = {
    "gender": parse_gender, "ethnicity": parse_ethnicity, "party": parse_party, "education": parse_education,
    "occupation": parse_occupation, "mobile": parse_mobile, "first_time": parse_yes_no, "group_role": parse_role,
}
_MAX_LEN = {"name": 30, "workplace": 200, "constituency": 80, "group": 80, "area": 50}


def parse_rows(table: Table) -> list[ParsedRow]:
    """Every data row → a ParsedRow with normalised values and its reasons for refusal."""
    index = {}
    written = {}
    for position, header in enumerate(table.headers):
        key = header_for(header)
        if key:
            index[key] = position
            written[key] = header
    return [parse_row(number, cells, index, written) for number, cells in table.rows]


def parse_row(number: int, cells: list, index: dict[str, int], written: dict[str, str]) -> ParsedRow:
    row = ParsedRow(number=number)

    def raw(key):
        position = index.get(key)
        if position is None or position >= len(cells):
            return None
        return cells[position]

    def attempt(key, fn, *args):
        try:
            return fn(raw(key), *args)
        except Refused as exc:
            row.refuse(key, raw(key), str(exc), written)
            return None

    values = row.values
    name = clean_name(raw("name"))
    if not name:
        row.refuse("name", raw("name"), _("姓名不能为空"), written)
    elif len(name) > _MAX_LEN["name"]:
        row.refuse("name", name, _("姓名过长"), written)
    elif re.search(r"\d", name):
        row.refuse("name", name, _("姓名中不应有数字"), written)
    values["name"] = name
    for key, fn in _SIMPLE.items():
        result = attempt(key, fn)
        if result not in (None, ""):
            values[key] = result
    for key in ("workplace", "constituency", "group"):
        text = clean_text(raw(key))
        if len(text) > _MAX_LEN[key]:
            row.refuse(key, text, _("内容过长(最多 %(n)d 个字)") % {"n": _MAX_LEN[key]}, written)
        elif text:
            values[key] = text
    area = parse_area_name(raw("area"))
    if not area:
        row.refuse("area", raw("area"), _("所属区划不能为空"), written)
    else:
        values["area"] = area
    birth = attempt("birth", parse_month)
    if birth:
        values["birth_date"] = birth
    id_result = attempt("id_number", parse_id_number)
    if id_result and id_result[0]:
        id_number, id_birth, id_gender = id_result
        values["id_number"] = id_number
        if birth and (birth.year, birth.month) != (id_birth.year, id_birth.month):
            row.refuse("id_number", raw("id_number"), _("身份证号中的出生日期与“出生年月”不一致"), written)
        elif not birth or birth.day == 1:
            values["birth_date"] = id_birth  # the ID carries the exact day
        if values.get("gender") and values["gender"] != id_gender:
            row.refuse("id_number", raw("id_number"), _("身份证号显示的性别与“性别”不一致"), written)
        values.setdefault("gender", id_gender)
    level = attempt("level", parse_level)
    if level:
        values["level"] = level
    term = attempt("term", parse_term, level)
    if term:
        values["term"] = term
    if values.get("id_number") == EXAMPLE_ID:
        # The template's example (张伟) copied along with the headers: never a real deputy.
        row.refuse("id_number", raw("id_number"), _("这是导入模板中的示例行,不是真实代表;请删除此行后再导入"), written)
    if values.get("group_role") and not values.get("group"):
        row.refuse("group_role", raw("group_role"), _("填写了小组职务,但没有填写代表小组"), written)
    return row


# ----------------------------------------------------------------------------- the template


def template_workbook() -> bytes:
    """The downloadable import template: the headers on the first sheet (nothing else, so nothing there is
    imported by mistake), and on the 填写说明 sheet the rules and an example row."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "代表名册"
    headers = [label for _k, label, _v in COLUMNS]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = (8, 6, 6, 10, 10, 10, 28, 14, 14, 22, 6, 8, 16, 12, 22, 8, 8)
    for column, width in zip("ABCDEFGHIJKLMNOPQ", widths, strict=True):
        ws.column_dimensions[column].width = width
    for column in ("D", "I", "J"):  # text: keeps ID numbers, mobiles and 1975.10 whole
        ws.column_dimensions[column].number_format = "@"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    for line in (
        "1. 请在“代表名册”工作表填写:第一行是表头,请勿修改;从第二行起每名代表的每个代表资格占一行。",
        "2. 同时是市、区代表的,填两行,身份证号相同,层级分别填“市”“区”。",
        "3. 层级:市、区、镇;届次:如“十二届”;是否初任:是/否。",
        "4. 出生年月可写 1975.03、1975-3 或 1975年3月;手机号码为 11 位数字。",
        "5. 所属区划须是系统中已有的镇、街道或村/社区名称。",
        "6. 小组职务:组长、副组长、成员;每个代表小组只能有一名组长。代表小组不存在时会自动新建。",
        "7. 下面是一行填写示例,仅供参考,请勿复制到“代表名册”工作表(含示例行的文件会被拒绝)。",
    ):
        notes.append([line])
    notes.append([])
    notes.append(headers)
    notes.append(EXAMPLE_ROW)
    for cell in notes[notes.max_row - 1]:
        cell.font = Font(bold=True)
    for cell in notes[notes.max_row]:
        cell.number_format = "@"
    notes.column_dimensions["A"].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
