import datetime
import io

from holidays import services
from holidays.choices import EntryKind


def enter(cast, year, kind, name, start, end=None):
    return services.calendar_entry_create(
        year=year, actor=cast.staff,
        data={"kind": kind, "name": name, "start": start, "end": end or start})


def enter_2027(cast):
    """A 2027 schedule for the tests (made up, not the State Council's): 元旦 1–3 January, 春节 6–12 February,
    with Saturday 20 February worked."""
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", datetime.date(2027, 1, 1), datetime.date(2027, 1, 3))
    enter(cast, 2027, EntryKind.HOLIDAY, "春节", datetime.date(2027, 2, 6), datetime.date(2027, 2, 12))
    enter(cast, 2027, EntryKind.WORKDAY, "春节调休", datetime.date(2027, 2, 20))


def workbook(rows, header=("类型", "名称", "开始日期", "结束日期")) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if header:
        ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
