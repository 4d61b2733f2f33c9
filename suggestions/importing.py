"""Historical suggestions from .xlsx (`manage.py import_suggestions FILE [--dry-run] [--create-units]`).

Like the item ledger import (ledger/services.py) this is the one door besides `suggestions.services`
that writes ``Suggestion.state``: a row is history, not a live action, so the suggestion is created in
its final state with ``imported=True``, and its timeline is built from the row's own dates, each event
checked against `choices.TRANSITIONS` so it walks the table as a live suggestion would (`_Chain`).
Nothing is notified.

All or nothing: when any row is refused nothing is written and each refusal names its row and reason.
Idempotent on (会议, 案号): a suggestion already there is left as it is. Deputies are matched by name among
those holding a mandate at the session's level; an unknown or ambiguous name refuses the row. A session
named like 区人大十二届一次会议 or 2026年闭会期间 that does not exist yet is created; unknown units are
created only with ``create_units``. Imported suggestions are not public (consent was not recorded).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext

from core.cells import cell_date, cell_text
from core.loops import due_in_days, due_in_months, due_in_workdays
from deputies.choices import Level
from deputies.models import CongressTerm, Deputy
from units.models import HandlingUnit

from .choices import (
    TRANSITIONS,
    Action,
    Rating,
    RejectGround,
    ReplyClass,
    SessionKind,
    State,
    UnitRole,
)
from .models import (
    Category,
    CoSigner,
    Evaluation,
    Reply,
    Session,
    Suggestion,
    SuggestionEvent,
    SuggestionSettings,
    SuggestionUnit,
)

HEADERS = ("会议", "案号", "领衔代表", "附议代表", "案由", "类别", "主办单位", "协办单位", "交办日期", "答复日期",
           "答复类别", "办理工作评价", "办理结果评价", "状态")
REQUIRED = ("会议", "案号", "领衔代表", "案由", "状态")
STATES = {"办理中": State.HANDLING, "已答复": State.ANSWERED, "已办结": State.CONCLUDED,
          "不予立案": State.NOT_ACCEPTED, "并案": State.MERGED}
RATINGS = {"满意": Rating.SATISFIED, "基本满意": Rating.BASIC, "不满意": Rating.DISSATISFIED,
           "未表态": Rating.NO_ANSWER}
ASSIGNED_STATES = (State.HANDLING, State.ANSWERED, State.CONCLUDED)
REPLIED_STATES = (State.ANSWERED, State.CONCLUDED)
NAMES = re.compile(r"\s*[、,,;;]\s*")
CONGRESS = re.compile(r"^(区|市|镇)人大(.+)届(.+)次会议$")
INTERIM = re.compile(r"^(\d{4})年闭会期间$")
LEVELS = {"区": Level.DISTRICT, "市": Level.CITY, "镇": Level.TOWN}
CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


class ImportFileError(Exception):
    """The file itself cannot be read (not an .xlsx, headers missing)."""


@dataclass
class Refusal:
    row: int
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    new: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)  # (会议, 案号) already imported
    refused: list[Refusal] = field(default_factory=list)
    units_to_create: list[str] = field(default_factory=list)
    sessions_to_create: list[str] = field(default_factory=list)
    sessions_new: dict = field(default_factory=dict)  # name → what parse_session_name read from it
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.refused


def _cn_int(text: str) -> int | None:
    """十二 → 12, 一 → 1 (terms and sessions), or plain digits."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[text] if len(text) == 1 else None


def parse_session_name(name: str) -> dict | None:
    """What a session name says: 区人大十二届一次会议 → district, term 12, session 1; 2026年闭会期间 → interim."""
    m = INTERIM.match(name)
    if m:
        return {"kind": SessionKind.INTERIM, "level": Level.DISTRICT, "year": int(m[1]), "term": None}
    m = CONGRESS.match(name)
    if m and _cn_int(m[2]) and _cn_int(m[3]):
        return {"kind": SessionKind.CONGRESS, "level": LEVELS[m[1]], "term": _cn_int(m[2]), "year": None}
    return None


def _read(file) -> list[tuple[int, dict]]:
    from core.xlsx import XlsxLimitError, open_workbook, sheet_rows

    try:
        wb = open_workbook(file)  # zip-bomb caps checked before anything is read
    except XlsxLimitError as exc:
        raise ImportFileError(str(exc)) from None
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(gettext("无法读取文件:这不是 Excel 工作簿,请使用 .xlsx 格式。")) from None
    try:
        rows = list(sheet_rows(wb.worksheets[0]))  # one row at a time, refused beyond XLSX_MAX_ROWS
    except XlsxLimitError as exc:
        raise ImportFileError(str(exc)) from None
    finally:
        wb.close()
    for index, row in enumerate(rows[:10]):
        names = [re.sub(r"\s+", "", cell_text(c)) for c in row]
        if "会议" in names and "案号" in names:
            missing = [h for h in HEADERS if h not in names]
            if missing:
                raise ImportFileError(gettext("表头缺少:%(cols)s") % {"cols": "、".join(missing)})
            col = {h: names.index(h) for h in HEADERS}
            out = []
            for n, cells in enumerate(rows[index + 1:], start=index + 2):
                if all(cell_text(c) == "" for c in cells):
                    continue
                out.append((n, {h: cells[i] if i < len(cells) else None for h, i in col.items()}))
            return out
    raise ImportFileError(gettext("找不到表头行(应包含“会议”“案号”等列)。"))


class _Lookup:
    """Sessions, deputies (by level), units: a handful of queries for the whole file."""

    def __init__(self):
        self.sessions = {s.name: s for s in Session.objects.all()}
        self.deputies = defaultdict(lambda: defaultdict(list))  # level → name → [deputies]
        for d in Deputy.objects.filter(mandates__isnull=False).values("pk", "name", "mandates__term__level"):
            bucket = self.deputies[d["mandates__term__level"]][d["name"]]
            if d["pk"] not in bucket:
                bucket.append(d["pk"])
        self.units = {}
        for u in HandlingUnit.objects.all():
            self.units[u.name] = u
            if u.short_name:
                self.units.setdefault(u.short_name, u)
        self.existing = set(Suggestion.objects.filter(number__isnull=False)
                            .values_list("session__name", "number"))

    def deputy(self, name: str, level: str) -> tuple[int | None, str]:
        found = self.deputies[level].get(name, [])
        if not found:
            return None, gettext("代表“%(name)s”不在%(level)s级代表名册中") % {
                "name": name, "level": Level(level).label}
        if len(found) > 1:
            return None, gettext("代表“%(name)s”重名(%(n)s 人),无法确定是哪一位") % {"name": name, "n": len(found)}
        return found[0], ""


def _parse(data, look: _Lookup, create_units: bool, report: ImportReport) -> None:
    seen = {}
    units_missing, sessions_new = {}, {}
    for row_no, cells in data:
        report.rows += 1
        problems = []
        get = lambda h, cells=cells: cell_text(cells.get(h))  # noqa: E731
        session_name = get("会议")
        session = look.sessions.get(session_name)
        level = session.level if session else None
        if session is None:
            parsed = parse_session_name(session_name) if session_name else None
            if parsed is None:
                problems.append(gettext("会议“%(name)s”不存在(应如 区人大十二届一次会议 或 2026年闭会期间)") % {
                    "name": session_name})
            else:
                sessions_new.setdefault(session_name, parsed)
                level = parsed["level"]
        try:
            number = int(get("案号"))
            if number < 1:
                raise ValueError
        except ValueError:
            problems.append(gettext("案号“%(v)s”不是正整数") % {"v": get("案号")})
            number = None
        if number is not None and session_name:
            key = (session_name, number)
            if key in seen:
                problems.append(gettext("案号 %(n)s 与第 %(row)s 行重复") % {"n": number, "row": seen[key]})
            else:
                seen[key] = row_no
            if key in look.existing and not problems:
                report.unchanged.append(key)
                continue
        title = get("案由")
        if not title:
            problems.append(gettext("缺少案由"))
        lead, co = None, []
        if not get("领衔代表"):
            problems.append(gettext("缺少领衔代表"))
        elif level:
            lead, why = look.deputy(get("领衔代表"), level)
            if why:
                problems.append(why)
            for name in [n for n in NAMES.split(get("附议代表")) if n]:
                pk, why = look.deputy(name, level)
                if why:
                    problems.append(why)
                elif pk != lead and pk not in co:
                    co.append(pk)
        state_text = get("状态")
        state = STATES.get(state_text)
        if state is None:
            problems.append(gettext("未知状态“%(s)s”(应为 办理中、已答复、已办结、不予立案、并案)") % {"s": state_text})
        lead_units = [n for n in NAMES.split(get("主办单位")) if n]
        co_units = [n for n in NAMES.split(get("协办单位")) if n]
        for name in lead_units + co_units:
            if name not in look.units:
                if create_units:
                    units_missing.setdefault(name, row_no)
                else:
                    problems.append(gettext("承办单位“%(name)s”不存在(可选择自动创建缺少的承办单位)") % {"name": name})
        if len(lead_units) > 1 and co_units:
            problems.append(gettext("分办(多个主办单位)时不设协办单位"))
        dates = {}
        for h in ("交办日期", "答复日期"):
            try:
                dates[h] = cell_date(cells.get(h))
            except ValueError as exc:
                problems.append(gettext("%(label)s“%(value)s”不是日期") % {"label": h, "value": exc})
                dates[h] = None
        assigned, replied = dates["交办日期"], dates["答复日期"]
        reply_class = get("答复类别").upper()
        ratings = {}
        for h in ("办理工作评价", "办理结果评价"):
            v = get(h)
            if v and v not in RATINGS:
                problems.append(gettext("%(label)s“%(v)s”无法识别(应为 满意、基本满意、不满意、未表态 或空)") % {
                    "label": h, "v": v})
            ratings[h] = RATINGS.get(v, "")
        if reply_class and reply_class not in ReplyClass.values:
            problems.append(gettext("答复类别“%(v)s”无法识别(应为 A、B、C 或 D)") % {"v": reply_class})
        if state in ASSIGNED_STATES:
            if not lead_units:
                problems.append(gettext("%(s)s的建议须填写主办单位") % {"s": state_text})
            if assigned is None and "交办日期“" not in " ".join(problems):
                problems.append(gettext("%(s)s的建议须填写交办日期") % {"s": state_text})
        if state in REPLIED_STATES:
            if replied is None and "答复日期“" not in " ".join(problems):
                problems.append(gettext("%(s)s的建议须填写答复日期") % {"s": state_text})
            if not reply_class:
                problems.append(gettext("%(s)s的建议须填写答复类别") % {"s": state_text})
        elif state is not None and (replied or reply_class):
            problems.append(gettext("%(s)s的建议不应有答复日期或答复类别") % {"s": state_text})
        if state != State.CONCLUDED and any(ratings.values()):
            problems.append(gettext("只有已办结的建议才有评价"))
        if state in (State.NOT_ACCEPTED, State.MERGED) and (lead_units or co_units or assigned):
            problems.append(gettext("%(s)s的建议不应有承办单位或交办日期") % {"s": state_text})
        if assigned and replied and replied < assigned:
            problems.append(gettext("答复日期早于交办日期"))
        today = timezone.localdate()
        if (assigned and assigned > today) or (replied and replied > today):
            problems.append(gettext("日期晚于今天"))
        if problems:
            report.refused.append(Refusal(row_no, ";".join(problems)))
            continue
        report.new.append({
            "row": row_no, "session": session_name, "number": number, "title": title[:200], "lead": lead,
            "co": co, "category": get("类别"), "state": state, "lead_units": lead_units, "co_units": co_units,
            "assigned": assigned, "replied": replied, "reply_class": reply_class,
            "work": ratings["办理工作评价"] or (Rating.NO_ANSWER if state == State.CONCLUDED else ""),
            "result": ratings["办理结果评价"] or (Rating.NO_ANSWER if state == State.CONCLUDED else ""),
        })
    report.units_to_create = sorted(units_missing)
    report.sessions_to_create = sorted(sessions_new)
    report.sessions_new = sessions_new


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    # The file carries days, not times: fixed hours keep the calendar day and the order of the steps.
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


class _Chain:
    """The timeline of one imported suggestion: each step must be allowed from the state the step before
    left it in, by `choices.TRANSITIONS` (a bug here raises, and the whole import rolls back)."""

    def __init__(self, suggestion):
        self.s, self.state, self.events = suggestion, State.DRAFT, []

    def add(self, action, to_state, at, *, comment="", data=None, unit=None):
        rule = TRANSITIONS[action]
        if self.state not in rule.sources or (rule.target is not None and rule.target != to_state):
            raise AssertionError(f"{action}: {self.state} → {to_state} is not in the transition table")
        self.events.append(SuggestionEvent(suggestion=self.s, action=action, actor=None, actor_unit=unit,
                                           from_state=self.state, to_state=to_state, comment=comment,
                                           data=data or {}, created_at=at))
        self.state = to_state


def _category(text: str, cache: dict):
    """类别 as 一级 or 一级/二级; the district's categories grow with its history."""
    if not text:
        return None
    if text not in cache:
        parts = [p.strip() for p in re.split(r"[/／>]", text, maxsplit=1)]
        parent = Category.objects.get_or_create(name=parts[0][:40], parent=None)[0]
        cache[text] = (Category.objects.get_or_create(name=parts[1][:40], parent=parent)[0]
                       if len(parts) > 1 and parts[1] else parent)
    return cache[text]


def _create(row, *, sessions, units, cfg, categories, filename) -> Suggestion:
    session = sessions[row["session"]]
    state, a, r = row["state"], row["assigned"], row["replied"]
    base = a or r or timezone.localdate()
    accepted = state in ASSIGNED_STATES
    due = due_in_months(a, cfg.reply_months) if a else None
    concluded = state == State.CONCLUDED
    cls = row["reply_class"]
    s = Suggestion.objects.create(
        session=session, number=row["number"], title=row["title"], category=_category(row["category"], categories),
        consent_public=False, lead_deputy_id=row["lead"], state=state, imported=True,
        reject_ground=RejectGround.OTHER if state == State.NOT_ACCEPTED else "",
        reject_reason=gettext("历史数据导入") if state == State.NOT_ACCEPTED else "",
        handling_round=1 if accepted else 0, reply_class=cls,
        work_rating=row["work"], result_rating=row["result"],
        first_work_rating=row["work"] if concluded else "", first_result_rating=row["result"] if concluded else "",
        submitted_at=_at(base, 9), registered_at=_at(base, 9, 10), accepted_at=_at(base, 9, 30) if accepted else None,
        assigned_at=_at(a, 10) if a else None, reply_due=due,
        first_replied_at=_at(r, 16) if r else None, replied_on_time=(r <= due) if r and due else None,
        answered_at=_at(r, 17) if r else None,
        evaluation_due=due_in_days(r, cfg.evaluation_days) if state == State.ANSWERED else None,
        evaluated_at=_at(r, 18) if concluded else None, concluded_at=_at(r, 18) if concluded else None,
        disclose_after=due_in_workdays(r, cfg.disclosure_workdays) if r else None,
        dissatisfied_count=1 if Rating.DISSATISFIED in (row["work"], row["result"]) else 0,
        supervised=concluded and Rating.DISSATISFIED in (row["work"], row["result"]),
    )
    CoSigner.objects.bulk_create([CoSigner(suggestion=s, deputy_id=pk, confirmed_at=s.submitted_at, on_paper=True)
                                  for pk in row["co"]])
    lead_role = UnitRole.SPLIT if len(row["lead_units"]) > 1 else UnitRole.LEAD
    if accepted:
        parts = [SuggestionUnit(suggestion=s, session=session, unit=units[n], role=lead_role, round=1,
                                assigned_at=s.assigned_at, due_date=due, done_at=s.first_replied_at)
                 for n in row["lead_units"]]
        parts += [SuggestionUnit(suggestion=s, session=session, unit=units[n], role=UnitRole.CO, round=1,
                                 assigned_at=s.assigned_at, due_date=due_in_months(a, cfg.co_opinion_months),
                                 done_at=s.first_replied_at)
                  for n in row["co_units"]]
        SuggestionUnit.objects.bulk_create(parts)
    if r:
        Reply.objects.bulk_create([
            Reply(suggestion=s, unit=units[n], round=1, reply_class=cls, body=gettext("历史数据导入"),
                  submitted_at=s.first_replied_at) for n in row["lead_units"]])
    if concluded:
        Evaluation.objects.create(suggestion=s, deputy_id=row["lead"], round=1, work_rating=row["work"],
                                  result_rating=row["result"], evaluated_at=s.evaluated_at)
    note = gettext("历史数据导入:%(file)s 第 %(row)s 行") % {"file": filename, "row": row["row"]}
    chain = _Chain(s)
    chain.add(Action.SUBMIT, State.SUBMITTED, _at(base, 9), comment=note)
    chain.add(Action.REGISTER, State.REGISTERED, _at(base, 9, 10), data={"number": row["number"]})
    chain.add(Action.START_REVIEW, State.REVIEWING, _at(base, 9, 20))
    if state == State.NOT_ACCEPTED:
        chain.add(Action.REJECT, State.NOT_ACCEPTED, _at(base, 9, 30), comment=s.reject_reason)
    elif state == State.MERGED:
        chain.add(Action.MERGE, State.MERGED, _at(base, 9, 30))
    else:
        chain.add(Action.ACCEPT, State.ACCEPTED, _at(base, 9, 30))
        chain.add(Action.ASSIGN, State.HANDLING, _at(a, 10), data={"units": row["lead_units"] + row["co_units"],
                                                                   "due": due.isoformat()})
        if r:
            chain.add(Action.REPLY, State.REVIEW, _at(r, 16), unit=units[row["lead_units"][0]], data={"class": cls})
            chain.add(Action.APPROVE_REPLY, State.ANSWERED, _at(r, 17))
        if concluded:
            if Rating.NO_ANSWER in (row["work"], row["result"]) and not ({row["work"], row["result"]} - {Rating.NO_ANSWER}):
                chain.add(Action.EXPIRE_EVALUATION, State.CONCLUDED, _at(r, 18))
            elif s.supervised:
                chain.add(Action.EVALUATE, State.SUPERVISION, _at(r, 18), data={"work": row["work"],
                                                                               "result": row["result"]})
                chain.add(Action.CLOSE_SUPERVISED, State.CONCLUDED, _at(r, 18, 30))
            else:
                chain.add(Action.EVALUATE, State.CONCLUDED, _at(r, 18), data={"work": row["work"],
                                                                             "result": row["result"]})
    SuggestionEvent.objects.bulk_create(chain.events)
    # B/C answers of the past are not put on the 跟踪 list: their measures were not recorded.
    return s


def suggestions_import(*, file, dry_run: bool = True, create_units: bool = False, filename: str = "") -> ImportReport:
    """Read the workbook; unless `dry_run`, create its new rows, all or nothing."""
    data = _read(file)
    look = _Lookup()
    report = ImportReport()
    _parse(data, look, create_units, report)
    if dry_run or not report.ok or not report.new:
        return report
    cfg = SuggestionSettings.load()
    with transaction.atomic():
        sessions = dict(look.sessions)
        for name, parsed in report.sessions_new.items():
            years = [r["assigned"].year for r in report.new if r["session"] == name and r["assigned"]]
            term = None
            if parsed["term"]:
                term = CongressTerm.objects.get_or_create(level=parsed["level"], number=parsed["term"])[0]
            sessions[name] = Session.objects.create(
                name=name, level=parsed["level"], kind=parsed["kind"], term=term,
                year=parsed["year"] or (min(years) if years else timezone.localdate().year))
        units = dict(look.units)
        for name in report.units_to_create:
            units[name] = HandlingUnit.objects.get_or_create(name=name)[0]
        categories = {}
        for row in report.new:
            _create(row, sessions=sessions, units=units, cfg=cfg, categories=categories, filename=filename)
        # The counter never goes back, and live numbering goes on after the imported ones.
        top = defaultdict(int)
        for row in report.new:
            top[row["session"]] = max(top[row["session"]], row["number"])
        for name, n in top.items():
            Session.objects.filter(pk=sessions[name].pk).update(last_number=Greatest("last_number", n))
    report.created = len(report.new)
    from audit.services import security_event_import

    security_event_import(what="suggestions", filename=filename, report=report)  # the user: the request's
    return report
