"""Historical ledger import (台账导入): Excel ledgers kept before the system become items.

`ledger_import` is the one door besides `petitions.workflow` that writes ``Item.state``: a ledger row is
history, not a live transition, so the item is created directly in its final state (已办结, 办理中, 研处中,
待评价) with ``imported=True`` and a timeline of ItemEvent rows built from the ledger's own dates
(提交日期 → 交办日期 → 办结日期). Nothing is notified: these things happened long ago. It never changes an
existing item; a row whose 编号 is already imported (ledger.LedgerRow) is skipped, so importing the
same file twice changes nothing.

A dry run first, then all or nothing: when any row is refused (unknown or ambiguous deputy, unknown
unit, area, state or evaluation, an impossible date order) nothing is written and each refusal names
its row number and reason. Unknown units are created only when asked (``create_units``), because old
ledgers name units that were renamed or merged since.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.choices import Role
from areas.choices import AreaKind
from areas.models import Area
from core.cells import cell_date, cell_text
from core.loops import due_in_days, due_in_workdays
from core.text import clean_cell
from deputies.models import Deputy, Mandate
from petitions.choices import Action, Category, Conclusion, Satisfaction, Source, State, UnitRole
from petitions.models import Assignment, Item, ItemEvent, ItemSettings
from units.models import HandlingUnit

from .models import LedgerRow

IMPORT_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF})

HEADERS = {"编号": "number", "标题": "title", "内容": "content", "类别": "category", "提交代表": "deputies",
           "所属区划": "area", "所属月份": "month", "提交日期": "submitted", "状态": "state", "承办单位": "unit",
           "交办日期": "assigned", "办理期限": "due", "办结日期": "concluded", "评价": "evaluation"}
REQUIRED = ("编号", "标题", "提交代表", "提交日期", "状态")
STATES = {"已办结": State.CLOSED, "不予受理": State.CLOSED, "办理中": State.HANDLING, "研处中": State.RESEARCH,
          "待评价": State.EVALUATION}
EVALUATIONS = {"满意": Satisfaction.SATISFIED, "基本满意": Satisfaction.BASIC, "不满意": Satisfaction.DISSATISFIED}
CATEGORIES = {str(label): value for value, label in Category.choices}
NAME_SPLIT = re.compile(r"[、,,;;\s]+")


class LedgerError(Exception):
    """The file itself cannot be read (not an .xlsx, no header row)."""


@dataclass
class Refusal:
    row: int
    reason: str


@dataclass
class LedgerReport:
    """What an import did or would do."""

    rows: int = 0
    new: list = field(default_factory=list)  # parsed rows that become items
    unchanged: list = field(default_factory=list)  # 编号 already imported
    refused: list[Refusal] = field(default_factory=list)
    units_to_create: list[str] = field(default_factory=list)
    created: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.refused


SAMPLE_ROWS = 200  # new rows listed on the dry-run page


def report_summary(report: LedgerReport) -> dict:
    """What the dry-run page shows, as plain data: the same whether the dry run ran in the request or in a
    background job (which keeps it as JSON)."""
    return {
        "rows": report.rows, "new": len(report.new), "unchanged": len(report.unchanged), "ok": report.ok,
        "refused": [{"row": r.row, "reason": r.reason} for r in report.refused],
        "units_to_create": list(report.units_to_create),
        "sample": [{"row": r["row"], "number": r["number"], "title": r["title"],
                    "deputies": "、".join(d.name for d in [r["deputy"], *r["co_deputies"]] if d is not None),
                    "state_text": r["state_text"], "unit_name": r["unit_name"] or "",
                    "submitted": r["submitted"].isoformat() if r["submitted"] else ""}
                   for r in report.new[:SAMPLE_ROWS]],
    }


def _month(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date | datetime.datetime):
        return datetime.date(value.year, value.month, 1)
    text = cell_text(value)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?", text)
    if not m or not 1 <= int(m[2]) <= 12 or int(m[1]) < 1:
        raise ValueError(text)
    return datetime.date(int(m[1]), int(m[2]), 1)


@dataclass
class SheetMarks:
    """What a cell's value does not tell: which cells hold formulas (their value is the result Excel saved,
    None when the file was never calculated) and which ranges are merged (only the first cell has a value)."""

    formulas: set = field(default_factory=set)  # (row, column)
    merges: list = field(default_factory=list)  # (first row, first column, last row, last column)

    def merged_from(self, row: int, column: int) -> int | None:
        """The first row of the merged range covering (row, column) when that cell is not its first one."""
        for r1, c1, r2, c2 in self.merges:
            if r1 <= row <= r2 and c1 <= column <= c2 and (row, column) != (r1, c1):
                return r1
        return None


_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d+)"[^>/]*>\s*<(?:\w+:)?f[\s/>]')
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


def _sheet_marks(ws) -> SheetMarks:
    """Formula cells and merged ranges of a read-only worksheet, by scanning its XML in chunks."""
    from openpyxl.utils import column_index_from_string as col

    from core.xlsx import scan_member

    marks = SheetMarks()
    with ws._get_source() as src:  # openpyxl's read-only sheets keep no merged ranges
        for m in scan_member(src, _FORMULA_CELL):
            marks.formulas.add((int(m[2]), col(m[1].decode())))
    with ws._get_source() as src:
        for m in scan_member(src, _MERGE_CELL):
            rng = (int(m[2]), col(m[1].decode()), int(m[4]), col(m[3].decode()))
            if rng not in marks.merges:
                marks.merges.append(rng)
    return marks


def _read(file) -> tuple[list[str], list[tuple[int, list]], SheetMarks]:
    from core.xlsx import XlsxLimitError, open_workbook, sheet_rows

    try:
        wb = open_workbook(file)  # zip-bomb caps checked before anything is read
    except XlsxLimitError as exc:
        raise LedgerError(str(exc)) from None
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise LedgerError(gettext("无法读取文件:这不是 Excel 工作簿,请上传 .xlsx 格式的台账。")) from None
    ws = wb.worksheets[0]
    try:
        rows = list(sheet_rows(ws))  # one row at a time, refused beyond XLSX_MAX_ROWS
    except XlsxLimitError as exc:
        wb.close()
        raise LedgerError(str(exc)) from None
    try:
        marks = _sheet_marks(ws)
    except Exception:  # a sheet the scan cannot read: the values above are still right
        marks = SheetMarks()
    wb.close()
    for index, row in enumerate(rows[:10]):
        names = [re.sub(r"\s+", "", cell_text(c)) for c in row]
        if "编号" in names and "标题" in names:
            missing = [h for h in REQUIRED if h not in names]
            if missing:
                raise LedgerError(gettext("表头缺少:%(cols)s") % {"cols": "、".join(missing)})
            data = [(index + 1 + n, [clean_cell(c) for c in r]) for n, r in enumerate(rows[index + 1:], start=1)]
            return names, data, marks
    raise LedgerError(gettext("找不到表头行(应包含“编号”“标题”等列)。"))


class _Roster:
    """Deputies, areas and units looked up by name: three queries for the whole file."""

    def __init__(self):
        self.deputies = defaultdict(list)
        for d in Deputy.objects.only("pk", "name", "area_id"):
            self.deputies[d.name].append(d)
        self.mandate_areas = defaultdict(set)
        for deputy_id, area_id in Mandate.objects.values_list("deputy_id", "area_id"):
            self.mandate_areas[deputy_id].add(area_id)
        self.areas = {}
        self.area_by_id = {}
        for a in Area.objects.all():
            self.area_by_id[a.pk] = a
            self.areas.setdefault(a.name, a)
        self.units = {}
        for u in HandlingUnit.objects.all():
            self.units[u.name] = u
            if u.short_name:
                self.units.setdefault(u.short_name, u)

    def subtree_ids(self, area) -> set:
        ids = {area.pk}
        for a in self.area_by_id.values():
            if a.parent_id in ids or (a.parent_id and self.area_by_id.get(a.parent_id) and
                                      self.area_by_id[a.parent_id].parent_id in ids):
                ids.add(a.pk)
        return ids

    def town(self, area):
        node = area
        while node is not None and node.kind not in (AreaKind.TOWN, AreaKind.SUBDISTRICT, AreaKind.ZONE):
            node = self.area_by_id.get(node.parent_id)
        return node

    def deputy(self, name: str, area) -> tuple[Deputy | None, str]:
        found = self.deputies.get(name, [])
        if len(found) > 1 and area is not None:
            ids = self.subtree_ids(area)
            found = [d for d in found if d.area_id in ids or self.mandate_areas[d.pk] & ids]
        if not found:
            return None, gettext("代表“%(name)s”不在代表名册中") % {"name": name}
        if len(found) > 1:
            return None, gettext("代表“%(name)s”重名,请填写所属区划以区分") % {"name": name}
        return found[0], ""


def _parse(names, data, roster: _Roster, create_units: bool, report: LedgerReport,
           marks: SheetMarks | None = None) -> None:
    col = {HEADERS[n]: i for i, n in enumerate(names) if n in HEADERS}
    marks = marks or SheetMarks()
    seen = {}
    existing = set(LedgerRow.objects.values_list("number", flat=True))
    to_create_units = {}
    for row_no, cells in data:
        def get(key, cells=cells):
            i = col.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        def missing(key, label, row_no=row_no):
            """Why a required cell is empty, as the person sees the sheet: a formula without a saved
            result or a merged cell is not a missing value."""
            column = col[key] + 1 if key in col else None
            if column and (row_no, column) in marks.formulas:
                return gettext("“%(label)s”是公式,文件中没有公式的计算结果;请将该列复制后“粘贴为数值”,"
                               "或在 Excel 中打开并保存后再导入") % {"label": label}
            first = marks.merged_from(row_no, column) if column else None
            if first is not None:
                return gettext("“%(label)s”是与第 %(row)s 行合并的单元格;请取消合并,在每一行填写后再导入") % {
                    "label": label, "row": first}
            return gettext("缺少%(label)s") % {"label": label}

        if all(cell_text(c) == "" for c in cells):
            continue
        report.rows += 1
        problems = []
        number = cell_text(get("number"))
        if not number:
            problems.append(missing("number", gettext("编号")))
        elif number in seen:
            problems.append(gettext("编号“%(number)s”与第 %(row)s 行重复") % {"number": number, "row": seen[number]})
        else:
            seen[number] = row_no
        if number and number in existing:
            report.unchanged.append(number)
            continue
        title = cell_text(get("title"))
        if not title:
            problems.append(missing("title", gettext("标题")))
        area_name = cell_text(get("area"))
        area = roster.areas.get(area_name) if area_name else None
        if area_name and area is None:
            problems.append(gettext("所属区划“%(name)s”不存在") % {"name": area_name})
        deputy_names = [n for n in NAME_SPLIT.split(cell_text(get("deputies"))) if n]
        deputies = []
        if not deputy_names:
            problems.append(missing("deputies", gettext("提交代表")))
        for name in deputy_names:
            d, why = roster.deputy(name, area)
            if why:
                problems.append(why)
            elif d not in deputies:
                deputies.append(d)
        state_text = cell_text(get("state"))
        state = STATES.get(state_text)
        if state is None and not state_text:
            problems.append(missing("state", gettext("状态")))
        elif state is None:
            problems.append(gettext("未知状态“%(s)s”(应为 已办结、不予受理、办理中、研处中、待评价)") % {"s": state_text})
        evaluation_text = cell_text(get("evaluation"))
        satisfaction = EVALUATIONS.get(evaluation_text, "") if evaluation_text else ""
        if evaluation_text and not satisfaction:
            problems.append(gettext("未知评价“%(s)s”(应为 满意、基本满意、不满意 或空)") % {"s": evaluation_text})
        dates = {}
        for key, label in (("submitted", "提交日期"), ("assigned", "交办日期"), ("due", "办理期限"),
                           ("concluded", "办结日期")):
            try:
                dates[key] = cell_date(get(key))
            except ValueError as exc:
                problems.append(gettext("%(label)s“%(value)s”不是有效日期(应如 2022-04-06)")
                                % {"label": label, "value": exc})
                dates[key] = None
        if dates["submitted"] is None and "提交日期" not in " ".join(problems):
            problems.append(missing("submitted", gettext("提交日期")))
        try:
            month = _month(get("month")) or (dates["submitted"].replace(day=1) if dates["submitted"] else None)
        except ValueError as exc:
            problems.append(gettext("所属月份“%(value)s”无法识别(应如 2022-04 或 2022年4月)") % {"value": exc})
            month = None
        s, a, due, c = dates["submitted"], dates["assigned"], dates["due"], dates["concluded"]
        if s and a and a < s:
            problems.append(gettext("交办日期早于提交日期"))
        if a and due and due < a:
            problems.append(gettext("办理期限早于交办日期"))
        if c and (a or s) and c < (a or s):
            problems.append(gettext("办结日期早于交办日期") if a else gettext("办结日期早于提交日期"))
        if s and s > timezone.localdate():
            problems.append(gettext("提交日期晚于今天"))
        unit_name = cell_text(get("unit"))
        unit = roster.units.get(unit_name) if unit_name else None
        if unit_name and unit is None:
            if create_units:
                to_create_units.setdefault(unit_name, row_no)
            else:
                problems.append(gettext("承办单位“%(name)s”不存在(可选择自动创建缺少的承办单位)") % {"name": unit_name})
        if state == State.HANDLING and not unit_name:
            problems.append(gettext("办理中的事项须填写承办单位"))
        if state == State.HANDLING and satisfaction:
            problems.append(gettext("办理中的事项不应有评价"))
        if state == State.RESEARCH and (unit_name or satisfaction):
            problems.append(gettext("研处中的事项尚未交办,不应填写承办单位或评价"))
        if state == State.EVALUATION and satisfaction:
            problems.append(gettext("待评价的事项不应有评价"))
        if problems:
            report.refused.append(Refusal(row_no, ";".join(problems)))
            continue
        category_text = cell_text(get("category"))
        report.new.append({
            "row": row_no, "number": number, "title": title[:200], "content": cell_text(get("content")),
            "category": CATEGORIES.get(category_text, Category.OTHER if category_text else ""),
            "deputy": deputies[0], "co_deputies": deputies[1:], "area": area, "period": month,
            "state": state, "state_text": state_text, "rejected": state_text == "不予受理", "unit_name": unit_name, "unit": unit,
            "submitted": s, "assigned": a or (s if unit_name else None), "due": due, "concluded": c,
            "satisfaction": satisfaction,
        })
    report.units_to_create = sorted(to_create_units)


def _at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    # Ledgers carry days, not times: fixed hours keep the local calendar day and the order of the steps.
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


class _Timeline:
    """The events of one imported item, each starting from the state the one before left it in, so the
    history walks the transition table (petitions.choices.TRANSITIONS) as a live item would."""

    def __init__(self, item: Item):
        self.item, self.state, self.events = item, State.DRAFT, []

    def add(self, action, to_state, at, *, comment="", unit=None, data=None) -> None:
        self.events.append(ItemEvent(item=self.item, action=action, actor=None, actor_unit=unit,
                                     from_state=self.state, to_state=to_state, comment=comment, data=data or {},
                                     created_at=at))
        self.state = to_state


def _create(row: dict, *, roster: _Roster, units: dict, actor, filename: str, cfg: ItemSettings) -> Item:
    area = row["area"]
    community = None
    if area is not None and area.kind in (AreaKind.COMMUNITY, AreaKind.VILLAGE):
        community, area = area, roster.town(area)
    elif area is None:
        deputy_area = roster.area_by_id.get(row["deputy"].area_id)
        area = roster.town(deputy_area) if deputy_area else None
    unit = row["unit"] or units.get(row["unit_name"])
    state, s, a, c = row["state"], row["submitted"], row["assigned"], row["concluded"]
    closed = state == State.CLOSED
    due = row["due"] or (due_in_workdays(a, cfg.handling_workdays) if unit and a else None)
    handled = c if unit and state in (State.CLOSED, State.EVALUATION) and not row["rejected"] else None
    evaluated = row["satisfaction"] and (c or a or s)
    if row["rejected"]:
        conclusion = Conclusion.REJECTED
    elif closed and row["satisfaction"] == Satisfaction.DISSATISFIED:
        conclusion = Conclusion.SUPERVISED
    elif closed and row["satisfaction"]:
        conclusion = Conclusion.EVALUATED
    elif closed:
        conclusion = Conclusion.DEEMED
    else:
        conclusion = ""
    replied = c if state in (State.CLOSED, State.EVALUATION) else None
    item = Item.objects.create(
        title=row["title"], content=row["content"], category=row["category"], area=area, community=community,
        source=Source.OTHER, deputy=row["deputy"], entered_by=actor, on_behalf=True, period=row["period"],
        state=state, submitted_at=_at(s), lead_unit=unit, handling_round=1 if unit else 0,
        stage_due=due if state == State.HANDLING else None,
        replied_at=_at(replied, 17) if replied else None,
        evaluation_due=due_in_days(replied or timezone.localdate(), cfg.evaluation_days)
        if state == State.EVALUATION else None,
        satisfaction=row["satisfaction"], evaluated_at=_at(evaluated, 18) if evaluated else None,
        dissatisfied_count=1 if row["satisfaction"] == Satisfaction.DISSATISFIED else 0,
        supervised=conclusion == Conclusion.SUPERVISED,
        concluded_at=_at(c, 18) if closed and c else None, conclusion=conclusion, imported=True,
    )
    if row["co_deputies"]:
        item.co_deputies.set(row["co_deputies"])
    note = gettext("历史台账导入:%(file)s 第 %(row)s 行(编号 %(number)s)") % {
        "file": filename, "row": row["row"], "number": row["number"]}
    timeline = _Timeline(item)
    timeline.add(Action.SUBMIT, State.SUBMITTED, _at(s, 9), comment=note)
    if row["rejected"]:
        timeline.add(Action.REJECT, State.CLOSED, _at(c or s, 17), comment=gettext("不予受理(台账记录)"))
    elif state == State.RESEARCH:
        timeline.add(Action.START_RESEARCH, State.RESEARCH, _at(s, 10))
    elif unit is not None:
        Assignment.objects.create(item=item, unit=unit, role=UnitRole.LEAD, round=1, assigned_at=_at(a, 10),
                                  due_date=due, handled_at=_at(handled, 16) if handled else None, is_current=True)
        timeline.add(Action.ASSIGN, State.HANDLING, _at(a, 10), comment=gettext("交办 %(unit)s") % {"unit": unit.name},
                     data={"unit": unit.name, "due_date": due.isoformat()})
        if state in (State.EVALUATION, State.CLOSED):
            # The ledger's 办结日期 is the day the reply was made and passed on (提交办理结果 → 反馈代表).
            day = c or a
            timeline.add(Action.SUBMIT_RESULT, State.REVIEW, _at(day, 16), unit=unit,
                         comment=gettext("办理完毕(台账记录)"))
            timeline.add(Action.PASS_ON, State.EVALUATION, _at(day, 17))
    elif state in (State.EVALUATION, State.CLOSED):
        # Answered without a handling unit: a direct answer (直接答复) by staff.
        timeline.add(Action.ANSWER_DIRECTLY, State.EVALUATION, _at(c or s, 16), comment=gettext("答复(台账记录)"))
    if closed and not row["rejected"]:
        if row["satisfaction"]:
            label = str(Satisfaction(row["satisfaction"]).label)
            supervised = conclusion == Conclusion.SUPERVISED
            timeline.add(Action.EVALUATE, State.SUPERVISION if supervised else State.CLOSED, _at(evaluated, 18),
                         comment=label, data={"satisfaction": row["satisfaction"]})
            if supervised:  # 不满意 and yet 已办结: closed under supervision (督办办结)
                timeline.add(Action.CLOSE_SUPERVISED, State.CLOSED, _at(evaluated, 18, 30),
                             comment=gettext("督办办结(台账记录)"))
        else:  # 已办结 with no evaluation recorded: closed as the rules close an unevaluated reply
            timeline.add(Action.DEEM_SATISFIED, State.CLOSED, _at(c or a or s, 18),
                         comment=gettext("办结,台账未记录代表评价"))
    events = timeline.events
    ItemEvent.objects.bulk_create(events)
    LedgerRow.objects.create(number=row["number"], item=item, source_file=filename[:200], row=row["row"],
                             imported_by=actor)
    return item


def ledger_import(*, file, actor=None, dry_run: bool = True, create_units: bool = False,
                  filename: str = "", progress=None) -> LedgerReport:
    """Read a ledger workbook; unless `dry_run`, create its new rows as imported items, all or nothing.
    `progress(done, total)` is told every 500 rows written (a background job's progress bar)."""
    names, data, marks = _read(file)
    roster = _Roster()
    report = LedgerReport(dry_run=dry_run)
    _parse(names, data, roster, create_units, report, marks)
    if dry_run or not report.ok or not report.new:
        return report
    cfg = ItemSettings.load()
    with transaction.atomic():
        # Two imports of one file at once: the unique 编号 makes the second fail instead of doubling.
        units = {name: HandlingUnit.objects.get_or_create(name=name)[0] for name in report.units_to_create}
        for n, row in enumerate(report.new):
            _create(row, roster=roster, units=units, actor=actor, filename=filename, cfg=cfg)
            if progress is not None and n % 500 == 0:
                progress(n, len(report.new))
    report.created = len(report.new)
    from audit.services import security_event_import

    security_event_import(what="ledger", actor=actor, filename=filename, report=report)
    return report
