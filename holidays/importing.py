"""Reading a holiday schedule workbook (节假日安排 .xlsx) into entries: no database here. `read_rows` gives
the data rows or an `ImportFileError` for a file that cannot be used at all; `parse` turns them into
entries and the refusals of each row (row, column, value, reason), checking the same rules as the forms.
The service `holidays.services.calendar_year_replace` writes the result, all or nothing."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import EntryKind
from .rules import Entry, entry_problems

# key, header in our template, accepted variants
COLUMNS = [
    ("kind", "类型", ("种类", "类别")),
    ("name", "名称", ("节日", "假日名称", "节假日名称", "说明")),
    ("start", "开始日期", ("起始日期", "开始", "起始", "日期")),
    ("end", "结束日期", ("截止日期", "结束", "终止日期")),
]
LABELS = {key: label for key, label, _v in COLUMNS}
KINDS = {"节假日": EntryKind.HOLIDAY, "假日": EntryKind.HOLIDAY, "放假": EntryKind.HOLIDAY, "休息": EntryKind.HOLIDAY,
         "调休上班": EntryKind.WORKDAY, "上班": EntryKind.WORKDAY, "调休": EntryKind.WORKDAY, "补班": EntryKind.WORKDAY}
MAX_ROWS = 200
MAX_BYTES = 2 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be imported (the message says why, in Chinese)."""


@dataclass
class Refusal:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class Parsed:
    """What a file would become: entries (row number, data) and the refusals."""

    entries: list[tuple[int, dict]] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.refusals


def _key(text) -> str:
    text = unicodedata.normalize("NFKC", "" if text is None else str(text))
    text = re.sub(r"[(\[【].*?[)\]】]", "", text)
    return re.sub(r"[\s*:]", "", text)


_HEADERS = {_key(h): key for key, label, variants in COLUMNS for h in (label, *variants)}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value))).strip()


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """The data rows of the first sheet as (row number, {column key: cell value}); blank rows dropped."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("文件过大,节假日安排文件不能超过 2 MB。"))
    if not data:
        raise ImportFileError(_("文件是空的。"))
    if data[:4] != b"PK\x03\x04":
        raise ImportFileError(_("无法读取文件:这不是 Excel 工作簿,请上传 .xlsx 格式的文件(可先下载模板)。"))
    from core.xlsx import XlsxLimitError, open_workbook, sheet_rows

    try:
        wb = open_workbook(data)  # zip-bomb caps checked before anything is read
        ws = wb.worksheets[0]
        grid = [list(r) for r in sheet_rows(ws)]  # one row at a time, refused beyond XLSX_MAX_ROWS
        wb.close()
    except XlsxLimitError as exc:
        raise ImportFileError(str(exc)) from None
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(_("无法读取文件:这不是 Excel 工作簿,请上传 .xlsx 格式的文件(可先下载模板)。")) from None
    for index, cells in enumerate(grid[:5]):
        keys = [_HEADERS.get(_key(c)) for c in cells]
        if "start" in keys and ("kind" in keys or "name" in keys):
            missing = [LABELS[k] for k in ("kind", "name", "start") if k not in keys]
            if missing:
                raise ImportFileError(_("缺少必需的列:%(cols)s。") % {"cols": "、".join(missing)})
            rows = []
            for number, row in enumerate(grid[index + 1:], start=index + 2):
                values = {k: row[i] for i, k in enumerate(keys) if k and i < len(row)}
                if all(_text(v) == "" for v in values.values()):
                    continue
                rows.append((number, values))
            if not rows:
                raise ImportFileError(_("表头下面没有数据行。"))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_("行数过多:一个年份的安排最多 %(n)d 行。") % {"n": MAX_ROWS})
            return rows
    raise ImportFileError(_("找不到表头行:第一行应是“类型、名称、开始日期、结束日期”,请下载模板对照。"))


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value) -> datetime.date | None:
    """A cell as a date: an Excel date, 2027-01-01, 2027/1/1, 2027.1.1, 2027年1月1日, 20270101; None when blank."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 <= value <= 80000:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))  # an unformatted Excel date
    text = _text(value).replace(" ", "")
    match = _DATE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if not match:
        raise ValueError(_("无法识别的日期,请写成 2027-01-01"))
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(_("日期不存在")) from None


def parse(rows: list[tuple[int, dict]], *, year: int, others: list[Entry]) -> Parsed:
    """Rows → entries of `year`, each checked against `others` (other years' stored entries) and the rows
    above it; every reason a row cannot be used becomes a Refusal naming its column and value."""
    out = Parsed(rows=len(rows))
    accepted: list[Entry] = []
    for number, values in rows:
        refusals: list[Refusal] = []

        def refuse(key, reason, values=values, number=number, refusals=refusals):
            refusals.append(Refusal(row=number, column=LABELS.get(key, "—") if key else "—",
                                    value=_text(values.get(key)) if key else "", reason=str(reason)))

        kind_text = _text(values.get("kind")).replace(" ", "")
        kind = KINDS.get(kind_text)
        if kind is None:
            refuse("kind", _("类型应为“节假日”或“调休上班”") if kind_text else _("请填写类型(节假日 或 调休上班)"))
        name = _text(values.get("name"))
        if not name:
            refuse("name", _("请填写名称,如 元旦、春节"))
        dates = {}
        for key in ("start", "end"):
            try:
                dates[key] = parse_date(values.get(key))
            except ValueError as exc:
                refuse(key, exc)
                dates[key] = False
        if dates["start"] is None:
            refuse("start", _("请填写开始日期"))
        if dates["end"] is None and dates["start"]:
            dates["end"] = dates["start"]  # one day
        if kind and dates["start"] and dates["end"]:
            entry = Entry(kind=kind, name=name, start=dates["start"], end=dates["end"])
            for key, message in entry_problems(year, entry, others + accepted):
                if key != "name" or name:  # a blank name is refused above already
                    refuse(key or "start", message)
            if not refusals:
                accepted.append(entry)
                out.entries.append((number, {"kind": kind, "name": name, "start": entry.start, "end": entry.end}))
        out.refusals += refusals
    return out


def template_workbook(year: int) -> bytes:
    """The downloadable template: the header row only (no example row that could be imported by mistake)
    and a 填写说明 sheet with examples."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _("节假日安排")
    ws.append([label for _k, label, _v in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (12, 16, 14, 14), strict=True):
        ws.column_dimensions[column].width = width
    notes = wb.create_sheet(_("填写说明"))
    for line in (
        _("1. 第一个工作表的第一行是表头,请勿修改;每行一项,从第二行起填写。"),
        _("2. 类型:节假日(放假的日期范围)或 调休上班(本是周六、周日但要上班的日子)。"),
        _("3. 名称:如 元旦、春节、清明节、劳动节、端午节、中秋节、国庆节;调休上班可写“春节调休”。"),
        _("4. 日期写成 %(y)d-01-01 或设为 Excel 日期格式;调休上班只有一天时,结束日期可不填。") % {"y": year},
        _("5. 导入会用文件的内容替换该年份已录入的全部安排;任何一行有误则不写入任何数据。"),
        _("6. 示例(请勿照抄,以国务院办公厅当年发布的通知为准):"),
    ):
        notes.append([line])
    notes.append([])
    notes.append([label for _k, label, _v in COLUMNS])
    notes.append([_("节假日"), _("春节"), f"{year}-02-05", f"{year}-02-11"])
    notes.append([_("调休上班"), _("春节调休"), f"{year}-02-14", ""])
    notes.column_dimensions["A"].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
