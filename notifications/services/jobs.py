"""The scheduled jobs (定时任务). Each is one function called by its Celery task and by its
management command. Each is idempotent: every message it writes has a unique key, so a second run
(or a beat that fires twice) writes and sends nothing new."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.workdays import is_workday

from .. import selectors
from ..choices import Kind
from ..models import Escalation
from .outbox import notify_many

logger = logging.getLogger(__name__)

LIST_LIMIT = 30  # items listed in one message; the rest are counted


@dataclass
class JobResult:
    lines: list[str] = field(default_factory=list)
    created: int = 0

    def say(self, text: str) -> None:
        self.lines.append(text)

    def __str__(self):
        return "\n".join(self.lines)


def _url(name: str, *args) -> str:
    """A link in a message. A wrong URL name raises NoReverseMatch: it must fail in tests, never
    send a message that links nowhere."""
    return reverse(name, args=args)


def _month_label(month: dt.date) -> str:
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


def _month_day(day: dt.date) -> str:
    return _("%(month)02d月%(day)02d日") % {"month": day.month, "day": day.day}


def _lines(rows, limit=LIST_LIMIT, fmt=None) -> str:
    out = [fmt(r) for r in rows[:limit]]
    if len(rows) > limit:
        out.append(_("……等共 %(count)s 条") % {"count": len(rows)})
    return "\n".join(out)


# ------------------------------------------------------------------ monthly reminder


def send_monthly_reminders(*, month: dt.date) -> JobResult:
    """月度报送提醒: each in-office deputy with no item for `month` is reminded (SMS when they have no
    login); each group's leaders get the list of members who have not submitted."""
    month = month.replace(day=1)
    label = _month_label(month)
    result = JobResult()
    missing = list(selectors.deputies_missing_month(month))
    new_url = _url("petitions:create")
    messages = [{
        "key": f"{Kind.MONTHLY_REMINDER}:{month:%Y-%m}", "kind": Kind.MONTHLY_REMINDER, "recipients": [d],
        "title": _("%(month)s社情民意报送提醒") % {"month": label},
        "body": _("%(name)s代表:您尚未报送%(month)s的社情民意,请于月底前报送(每月至少一条)。") % {
            "name": d.name, "month": label},
        "url": new_url,
    } for d in missing]
    groups = selectors.group_missing_lists([d.pk for d in missing])
    for group, group_leads, names in groups:
        messages.append({
            "key": f"{Kind.GROUP_MISSING}:{month:%Y-%m}:g{group.pk}", "kind": Kind.GROUP_MISSING,
            "recipients": group_leads,
            "title": _("%(group)s%(month)s未报送名单(%(count)s人)") % {
                "group": group.name, "month": label, "count": len(names)},
            "body": _("以下代表尚未报送%(month)s的社情民意:") % {"month": label} + "\n" + "、".join(names),
            "url": _url("groups:detail", group.pk),
        })
    new = notify_many(messages)
    result.created = len(new)
    result.say(f"{label}:未报送的在任代表 {len(missing)} 人,涉及代表小组 {len(groups)} 个;"
               f"新建通知 {len(new)} 条(已存在的不重复发送)。")
    return result


# ------------------------------------------------------------------ overdue alerts


def _due_line(row) -> str:
    return _("· %(title)s(截止 %(due)s)") % {"title": row[2], "due": f"{row[1]:%m-%d}"}


def send_overdue_alerts(*, today: dt.date) -> JobResult:
    """逾期预警, every working morning: each unit its due-soon and overdue items (one message per unit
    and day), district staff the overdue list by unit, leaders the items overdue for too long."""
    from units.models import HandlingUnit

    result = JobResult()
    if not is_workday(today):
        result.say(f"{today:%Y-%m-%d} 不是工作日,不发送逾期预警。")
        return result
    messages = []
    alerts = selectors.unit_alerts(today)
    units = HandlingUnit.objects.in_bulk([a.unit_id for a in alerts])
    for alert in alerts:
        unit = units[alert.unit_id]
        parts = []
        if alert.overdue:
            parts.append(_("已逾期 %(count)s 条:") % {"count": len(alert.overdue)} + "\n" + _lines(
                alert.overdue, fmt=_due_line))
        if alert.due_soon:
            parts.append(_("即将逾期 %(count)s 条:") % {"count": len(alert.due_soon)} + "\n" + _lines(
                alert.due_soon, fmt=_due_line))
        messages.append({
            "key": f"{Kind.UNIT_ALERT}:{today:%Y-%m-%d}", "kind": Kind.UNIT_ALERT, "recipients": [unit],
            "title": _("%(unit)s:逾期 %(overdue)s 条,即将逾期 %(due_soon)s 条") % {
                "unit": unit.short_name or unit.name, "overdue": len(alert.overdue), "due_soon": len(alert.due_soon)},
            "body": "\n\n".join(parts), "url": _url("petitions:overdue" if alert.overdue else "petitions:due_soon"),
        })
    by_unit = selectors.overdue_by_unit(today)
    research_late = selectors.research_overdue_count(today)
    total = sum(r["count"] for r in by_unit)
    if by_unit or research_late:
        body = _lines(by_unit, limit=100, fmt=lambda r: _("· %(unit)s:%(count)s 条(最早截止 %(oldest)s)") % {
            "unit": r["unit__name"], "count": r["count"], "oldest": f"{r['oldest']:%m-%d}"})
        if research_late:
            body += "\n" + _("研处环节逾期 %(count)s 条。") % {"count": research_late}
        messages.append({
            "key": f"{Kind.STAFF_OVERDUE}:{today:%Y-%m-%d}", "kind": Kind.STAFF_OVERDUE,
            "recipients": list(selectors.district_staff()),
            "title": _("%(date)s逾期事项:办理逾期 %(total)s 条,涉及 %(units)s 个单位") % {
                "date": _month_day(today), "total": total, "units": len(by_unit)},
            "body": body, "url": _url("petitions:overdue"),
        })
    with transaction.atomic():
        escalated = _escalate(today, messages)
        new = notify_many(messages)
    result.created = len(new)
    result.say(f"{today:%Y-%m-%d}:承办单位预警 {len(alerts)} 个单位,办理逾期 {total} 条;"
               f"升级至领导 {escalated} 条;新建通知 {len(new)} 条(已存在的不重复发送)。")
    return result


def _escalate(today: dt.date, messages: list) -> int:
    """Items overdue longer than NOTIFY_ESCALATE_AFTER_WORKDAYS go to the leaders once per (assignment,
    due date): the Escalation row is the claim, written in the same transaction as the message."""
    workdays = settings.NOTIFY_ESCALATE_AFTER_WORKDAYS
    rows = list(selectors.escalation_candidates(today, workdays))
    if not rows:
        return 0
    keys = [f"a{a}:{due:%Y%m%d}" for a, _i, due, _t, _u in rows]
    table = Escalation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, item_id, escalated_on) SELECT k, i, %s FROM unnest(%s::text[], %s::bigint[]) "
            f"AS x(k, i) ON CONFLICT (key) DO NOTHING RETURNING id, key",
            [today, keys, [r[1] for r in rows]])
        fresh = cursor.fetchall()
    if not fresh:
        return 0
    fresh_keys = {k for _id, k in fresh}
    chosen = [r for r, k in zip(rows, keys, strict=True) if k in fresh_keys]
    first = min(pk for pk, _k in fresh)
    messages.append({
        "key": f"{Kind.ESCALATION}:{today:%Y-%m-%d}:{first}", "kind": Kind.ESCALATION,
        "recipients": list(selectors.leaders()),
        "title": _("逾期超过 %(workdays)s 个工作日的事项 %(count)s 条") % {"workdays": workdays, "count": len(chosen)},
        "body": _lines(chosen, fmt=lambda r: _("· %(title)s(%(unit)s,截止 %(due)s)") % {
            "title": r[3], "unit": r[4], "due": f"{r[2]:%m-%d}"}),
        "url": _url("petitions:list"),
    })
    return len(chosen)


# ------------------------------------------------------------------ auto-close


def close_unevaluated(*, today: dt.date) -> JobResult:
    """逾期未评价视为满意: replies not evaluated in time are closed through the workflow (one door per
    state change), one transaction per item, so a crash midway leaves the rest for the next run."""
    from petitions import workflow
    from petitions.models import Item

    result = JobResult()
    ids = selectors.unevaluated_item_ids(today)
    closed, skipped = 0, 0
    for pk in ids:
        item = Item.objects.filter(pk=pk).first()
        if item is None:
            continue
        try:
            workflow.item_deem_satisfied(item=item, actor=None, today=today)
        except workflow.WorkflowError as exc:  # evaluated meanwhile: nothing to do
            skipped += 1
            logger.info("close_unevaluated: item %s skipped: %s", pk, exc)
            continue
        closed += 1
    result.created = closed
    result.say(f"{today:%Y-%m-%d}:评价期已过的事项 {len(ids)} 条,视为满意办结 {closed} 条,跳过 {skipped} 条。")
    return result


# ------------------------------------------------------------------ weekly digest


def _rate(value) -> str:
    """A dashboards rate (percent, one decimal, None when nothing to divide by) as the dashboard shows it."""
    return "—" if value is None else f"{value}%"


def digest_period(today: dt.date):
    """The period of the digest's figures: the current year (本年度), the dashboards' default period
    (`dashboards.forms.PeriodForm`), so the Monday message and the dashboard opened that day agree."""
    from dashboards.periods import Period

    return Period.year(today.year)


def send_weekly_digest(*, today: dt.date) -> JobResult:
    """每周简报 for the leaders: last week's activity, then this year's figures and the five lowest units
    by the dashboards' own figure functions (same definitions, same numbers); each unit gets its own
    row of the same table (and only its own)."""
    from dashboards import selectors as figures
    from dashboards.periods import Scope
    from units.models import HandlingUnit

    result = JobResult()
    start, end = selectors.week_bounds(today)
    week = f"{start:%Y-%m-%d}"
    f = selectors.district_week_figures(start, end)
    period = digest_period(today)
    district, _prev = figures.headline(period, Scope(), day=today)
    units = figures.unit_rows(period, Scope(), day=today)
    lowest = units[:5]
    span = {"start": _month_day(start), "end": _month_day(end)}
    year = _("本年度(%(period)s)") % {"period": period.label}
    link = _url("dashboards:overview") + f"?period=year&year={period.start.year}"
    body = (_("本周(%(start)s—%(end)s)收集 %(collected)s 条,办结 %(concluded)s 条。") % {
                **span, "collected": f["collected_week"], "concluded": f["concluded_week"]}
            + "\n"
            + _("%(year)s收集 %(collected)s 条,办结 %(concluded)s 条,办结率 %(rate)s,逾期 %(overdue)s 条。") % {
                "year": year, "collected": district.collected, "concluded": district.concluded,
                "rate": _rate(district.completion_rate), "overdue": district.overdue})
    if lowest:
        body += "\n\n" + _("%(year)s办结率最低的五个单位:") % {"year": year} + "\n" + "\n".join(
            _("%(rank)s. %(unit)s:交办 %(assigned)s 条,办结 %(concluded)s 条,办结率 %(rate)s,逾期 %(overdue)s 条") % {
                "rank": i, "unit": r["name"], "assigned": r["assigned"], "concluded": r["concluded"],
                "rate": _rate(r["completion_rate"]), "overdue": r["overdue"]}
            for i, r in enumerate(lowest, 1))
    messages = [{
        "key": f"{Kind.WEEKLY_DIGEST}:{week}", "kind": Kind.WEEKLY_DIGEST, "recipients": list(selectors.leaders()),
        "title": _("每周简报(%(start)s—%(end)s)") % span, "body": body, "url": link,
    }]
    unit_rows = HandlingUnit.objects.in_bulk([r["unit_id"] for r in units])
    for r in units:
        messages.append({
            "key": f"{Kind.UNIT_WEEKLY_DIGEST}:{week}", "kind": Kind.UNIT_WEEKLY_DIGEST,
            "recipients": [unit_rows[r["unit_id"]]],
            "title": _("本单位每周简报(%(start)s—%(end)s)") % span,
            "body": _("%(unit)s%(year)s:交办 %(assigned)s 条,办结 %(concluded)s 条,办结率 %(rate)s,"
                      "当前逾期 %(overdue)s 条。") % {
                "unit": r["name"], "year": year, "assigned": r["assigned"], "concluded": r["concluded"],
                "rate": _rate(r["completion_rate"]), "overdue": r["overdue"]},
            "url": link,
        })
    new = notify_many(messages)
    result.created = len(new)
    result.say(f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}:领导简报与 {len(units)} 个单位简报({period.label});"
               f"新建通知 {len(new)} 条(已存在的不重复发送)。")
    return result
