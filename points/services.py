"""The one door for every change of points (STYLE.md "one door per change"): rules, the quarterly
snapshot (compute → publish, frozen afterwards), self-reports (自行申报) and correction requests (申请更正).

Self-reports and corrections are small loops on the engine (core.loops): a transaction, the row
re-read under lock and checked against their transition table and the actor (`lock`), an event row
(`record_event`), a save with update_fields and notifications after commit. A refused call raises
`LoopError` with a Chinese message and changes nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.loops import LoopError, NotAllowed, due_in_workdays, lock, notify_on_commit, record_event

from . import sources
from .choices import (
    CLAIM_TRANSITIONS,
    CORRECTION_TRANSITIONS,
    Actor,
    Basis,
    Category,
    ClaimAction,
    ClaimState,
    CorrectionAction,
    CorrectionState,
    RecordKind,
    SnapshotStatus,
)
from .models import Claim, ClaimEvent, Correction, CorrectionEvent, Evidence, Line, PointRule, Snapshot, Total

__all__ = ["LoopError", "NotAllowed"]

TEXT_MAX = 2000
DELTA_MAX = Decimal("100")


# ---------------------------------------------------------------------------------------------
# Quarters


def quarter_range(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end - datetime.timedelta(days=1)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _published_quarter(day: datetime.date) -> bool:
    year, quarter = quarter_of(day)
    return Snapshot.objects.filter(year=year, quarter=quarter, status=SnapshotStatus.PUBLISHED).exists()


# ---------------------------------------------------------------------------------------------
# Rules

DEFAULT_RULES = [
    # name, category, basis, activity kind, points, quarter cap, year cap
    (_("提交社情民意"), Category.OPINION, Basis.ITEM_SUBMITTED, "", "2", "12", "40"),
    (_("社情民意办结"), Category.OPINION, Basis.ITEM_CONCLUDED, "", "1", "6", "20"),
    (_("领衔提出代表建议"), Category.OPINION, Basis.SUGGESTION_LED, "", "3", None, "15"),
    (_("附议代表建议"), Category.OPINION, Basis.SUGGESTION_COSIGNED, "", "1", None, "5"),
    (_("参加调研视察"), Category.BETWEEN, Basis.ACTIVITY, "research", "2", "8", None),
    (_("参加工作督查"), Category.BETWEEN, Basis.ACTIVITY, "supervision", "2", "8", None),
    (_("参加代表小组活动"), Category.BETWEEN, Basis.ACTIVITY, "group", "1", "6", None),
    (_("接待选民日值班"), Category.CONTACT, Basis.ACTIVITY, "reception", "2", "8", None),
    (_("答复群众来信"), Category.CONTACT, Basis.RESIDENT_ANSWERED, "", "1", "6", None),
    (_("参加学习培训"), Category.TRAINING, Basis.ACTIVITY, "training", "2", "6", None),
    (_("向选民述职"), Category.REPORT, Basis.ACTIVITY, "report", "5", None, "10"),
    (_("信息宣传被采用"), Category.BETWEEN, Basis.PUBLICITY, "", "2", "10", None),
    (_("参加上级组织的学习培训(自行申报)"), Category.TRAINING, Basis.SELF_REPORT, "", "2", "6", None),
    (_("其他履职活动(自行申报)"), Category.BETWEEN, Basis.SELF_REPORT, "", "1", "4", None),
    (_("无故缺席活动"), Category.DEDUCTION, Basis.ABSENCE, "", "-2", "10", None),
]


def rules_install_defaults() -> int:
    """The default rules, when there are none yet. Returns how many were created."""
    if PointRule.objects.exists():
        return 0
    PointRule.objects.bulk_create([
        PointRule(name=str(name), category=cat, basis=basis, activity_kind=kind, points=Decimal(pts),
                  quarter_cap=None if qcap is None else Decimal(qcap), year_cap=None if ycap is None else Decimal(ycap),
                  sort=i * 10)
        for i, (name, cat, basis, kind, pts, qcap, ycap) in enumerate(DEFAULT_RULES)])
    return len(DEFAULT_RULES)


def _capped(points: Decimal, cap: Decimal | None) -> Decimal:
    if cap is None:
        return points
    cap = abs(cap)
    return max(min(points, cap), -cap)


# ---------------------------------------------------------------------------------------------
# The quarterly snapshot


def _lock_draft(snapshot_id: int) -> Snapshot:
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
    if snapshot.is_published:
        raise LoopError(_("%(s)s已发布,不能再计算或修改;之后的更正计入下一季度。") % {"s": snapshot})
    return snapshot


def _check_publisher(actor):
    if actor is not None and (actor.is_read_only or not actor.has_role(Role.ADMIN, Role.DISTRICT_STAFF)):
        raise NotAllowed(_("只有区人大工作人员可以计算和发布季度积分。"))


def _deputy_places(start, end) -> list[tuple[int, str, int | None, int | None]]:
    """(deputy id, name, town-level area id, group id) of every deputy who held a mandate in the range."""
    from assessments.selectors import area_map, deputies_between, town_of
    from groups.models import GroupMembership

    areas = area_map()
    groups = dict(GroupMembership.objects.order_by().values("deputy_id").annotate(g=Min("group_id"))
                  .values_list("deputy_id", "g"))
    return [(d["id"], d["name"], town_of(d["mandate_area_id"], areas), groups.get(d["id"]))
            for d in deputies_between(start, end).values("id", "name", "mandate_area_id")]


def _claim_records(rule_ids, start, end) -> dict[int, dict[int, list[int]]]:
    """{rule id: {deputy id: [claim ids]}} of approved self-reports dated in the range, one query."""
    out: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = (Claim.objects.filter(rule_id__in=rule_ids, state=ClaimState.APPROVED, date__range=(start, end))
            .order_by("id").values_list("rule_id", "deputy_id", "id"))
    for rule_id, deputy_id, pk in rows:
        out[rule_id][deputy_id].append(pk)
    return out


def snapshot_compute(*, year: int, quarter: int, actor=None) -> Snapshot:
    """(Re)compute the points of a quarter from the records with the active rules: one query per rule,
    bulk inserts, ranks by one UPDATE. Caps per quarter and per year (counting the year's earlier
    quarters) apply per rule. Accepted corrections not yet counted elsewhere become 更正 lines here.
    A published quarter is refused."""
    _check_publisher(actor)
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise LoopError(_("请选择正确的年度和季度。"))
    start, end = quarter_range(year, quarter)
    with transaction.atomic():
        snapshot, _created = Snapshot.objects.get_or_create(year=year, quarter=quarter)
        snapshot = _lock_draft(snapshot.pk)
        rules_install_defaults()  # the first quarter ever computed starts from the default rules
        rules = list(PointRule.objects.filter(is_active=True).order_by("sort", "id"))
        claims = _claim_records([r.pk for r in rules if r.basis == Basis.SELF_REPORT], start, end)
        records = {}
        for rule in rules:  # one query per rule
            if rule.basis == Basis.SELF_REPORT:
                records[rule.pk] = (RecordKind.SELF_REPORT, claims.get(rule.pk, {}))
            else:
                source = sources.get(rule.basis)
                if source is None:  # a basis whose app is not installed counts nothing
                    continue
                records[rule.pk] = (source.record_kind, source.records(start, end, rule.activity_kind))
        earlier = defaultdict(Decimal)  # (deputy, rule) → points in the year's earlier quarters
        for deputy_id, rule_id, points in (Line.objects.filter(snapshot__year=year, snapshot__quarter__lt=quarter,
                                                               correction__isnull=True, rule__isnull=False)
                                           .order_by().values("deputy_id", "rule_id").annotate(p=Sum("points"))
                                           .values_list("deputy_id", "rule_id", "p")):
            earlier[(deputy_id, rule_id)] = points
        corrections = list(
            Correction.objects.filter(state=CorrectionState.ACCEPTED)
            .exclude(snapshot=snapshot).filter(snapshot__year__lte=year)
            .filter(applied_in__isnull=True).select_related("line")
            | Correction.objects.filter(applied_in=snapshot).select_related("line"))
        corrections = [c for c in corrections if (c.snapshot.year, c.snapshot.quarter) < (year, quarter)]

        Line.objects.filter(snapshot=snapshot).delete()
        Total.objects.filter(snapshot=snapshot).delete()
        places = _deputy_places(start, end)
        known = {p[0] for p in places}
        lines, sums = [], defaultdict(Decimal)
        for rule_sort, rule in enumerate(rules):
            kind, by_deputy = records.get(rule.pk, ("", {}))
            for deputy_id, ids in by_deputy.items():
                if deputy_id not in known or not ids:
                    continue
                raw = rule.points * len(ids)
                points = _capped(raw, rule.quarter_cap)
                if rule.year_cap is not None:
                    before = earlier.get((deputy_id, rule.pk), Decimal("0"))
                    points = _capped(before + points, rule.year_cap) - before
                lines.append(Line(snapshot=snapshot, deputy_id=deputy_id, rule=rule, rule_name=rule.name,
                                  category=rule.category, record_kind=kind, record_ids=ids, count=len(ids),
                                  points=points, capped=points != raw, sort=rule_sort))
                sums[deputy_id] += points
        for c in corrections:
            if c.deputy_id not in known:
                continue
            lines.append(Line(snapshot=snapshot, deputy_id=c.deputy_id, rule_id=c.line.rule_id if c.line_id else None,
                              rule_name=_("更正:%(s)s") % {"s": c.subject}, category=c.line.category if c.line_id
                              else Category.BETWEEN, record_kind=RecordKind.CORRECTION, record_ids=[c.pk], count=1,
                              points=c.delta, correction=c, sort=len(rules) + 1))
            sums[c.deputy_id] += c.delta
        Line.objects.bulk_create(lines, batch_size=5000)
        from groups.models import DeputyGroup

        group_names = dict(DeputyGroup.objects.values_list("id", "name"))
        Total.objects.bulk_create([
            Total(snapshot=snapshot, deputy_id=pk, deputy_name=name, area_id=area, group_id=group,
                  group_name=group_names.get(group, ""), total=sums.get(pk, Decimal("0")))
            for pk, name, area, group in places], batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Total._meta.db_table} t SET rank = r.rk, group_rank = r.grk FROM ("
                " SELECT id, RANK() OVER (ORDER BY total DESC) AS rk,"
                " RANK() OVER (PARTITION BY group_id ORDER BY total DESC) AS grk"
                f" FROM {Total._meta.db_table} WHERE snapshot_id = %s) r WHERE t.id = r.id", [snapshot.pk])
        Correction.objects.filter(pk__in=[c.pk for c in corrections if c.deputy_id in known]).update(applied_in=snapshot)
        snapshot.rules = [r.snapshot() for r in rules]
        snapshot.deputy_count = len(places)
        snapshot.computed_at, snapshot.computed_by = timezone.now(), actor
        snapshot.save(update_fields=["rules", "deputy_count", "computed_at", "computed_by"])
    return snapshot


def snapshot_publish(*, snapshot: Snapshot, actor) -> Snapshot:
    """发布: the quarter's points are frozen and shown to the deputies; corrections may be asked for
    within POINTS_CORRECTION_WORKDAYS working days."""
    _check_publisher(actor)
    with transaction.atomic():
        snapshot = _lock_draft(snapshot.pk)
        if snapshot.computed_at is None:
            raise LoopError(_("请先计算本季度积分,再发布。"))
        snapshot.status = SnapshotStatus.PUBLISHED
        snapshot.published_at, snapshot.published_by = timezone.now(), actor
        snapshot.correction_due = due_in_workdays(timezone.localdate(), settings.POINTS_CORRECTION_WORKDAYS)
        snapshot.save(update_fields=["status", "published_at", "published_by", "correction_due"])
    return snapshot


# ---------------------------------------------------------------------------------------------
# Who reviews, who is told


def _reviewers(area_id) -> list:
    """Area staff of the deputy's area, else the district staff."""
    from accounts.models import User

    people = []
    if area_id:
        people = list(User.objects.filter(is_active=True, groups__name=Role.AREA_STAFF, area_id=area_id))
    return people or list(User.objects.filter(is_active=True, groups__name=Role.DISTRICT_STAFF))


def _deputy_area(deputy) -> int | None:
    from assessments.selectors import area_map, town_of
    from deputies.choices import MandateStatus

    mandate = deputy.mandates.filter(status=MandateStatus.IN_OFFICE).order_by("id").first()
    return town_of(mandate.area_id, area_map()) if mandate is not None and mandate.area_id else None


def _text(value, label) -> str:
    value = (value or "").strip()
    if not value:
        raise LoopError(_("请填写%(label)s。") % {"label": label})
    if len(value) > TEXT_MAX:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": label, "n": TEXT_MAX})
    return value


def _files(files, **owner):
    for f in files or ():
        Evidence.objects.create(file=f, name=getattr(f, "name", "file")[:200], size=getattr(f, "size", 0) or 0,
                                content_type=getattr(f, "xs_content_type", "") or getattr(f, "content_type", ""),
                                **owner)


def staff_kinds(user, obj) -> set[str]:
    """The loop actor kinds of a user for a claim or correction (their review scope decides)."""
    if user is None or not user.is_authenticated:
        return set()
    kinds = set()
    if type(obj).objects.reviewable_by(user).filter(pk=obj.pk).exists():
        kinds.add(Actor.STAFF)
    if user.deputy_profile is not None and obj.deputy_id == user.deputy_profile.pk:
        kinds.add(Actor.DEPUTY)
    return kinds


# ---------------------------------------------------------------------------------------------
# 自行申报


def claim_submit(*, actor, rule: PointRule, date: datetime.date, description: str, files=()) -> Claim:
    """A deputy's self-report, with evidence (at least one photo or PDF), for review by area staff."""
    deputy = actor.deputy_profile
    if deputy is None:
        raise NotAllowed(_("只有代表本人可以申报。"))
    if not rule.is_active or rule.basis != Basis.SELF_REPORT:
        raise LoopError(_("该项目不接受自行申报。"))
    if date > timezone.localdate():
        raise LoopError(_("履职日期不能晚于今天。"))
    if _published_quarter(date):
        raise LoopError(_("%(d)s 所在季度的积分已发布,请在积分明细中“申请更正”补报。") % {"d": date})
    description = _text(description, _("履职情况"))
    if not files:
        raise LoopError(_("请上传证明材料(照片或 PDF)。"))
    with transaction.atomic():
        claim = Claim.objects.create(deputy=deputy, area_id=_deputy_area(deputy), rule=rule, date=date,
                                     description=description)
        _files(files, claim=claim)
        event = record_event(ClaimEvent, claim=claim, action=ClaimAction.SUBMIT, actor=actor, from_state="",
                             to_state=claim.state, comment=description)
        notify_on_commit(key=f"points_claim:{claim.pk}:event:{event.pk}", kind="points.claim",
                         recipients=_reviewers(claim.area_id),
                         title=_("%(name)s 提交了积分自行申报:%(rule)s") % {"name": deputy.name, "rule": rule.name},
                         url=claim.get_absolute_url(), subject=f"points_claim:{claim.pk}", task="review")
    return claim


def _claim_decide(*, claim: Claim, actor, action: str, reason: str) -> Claim:
    with transaction.atomic():
        claim, _k = lock(claim, action, actor, table=CLAIM_TRANSITIONS, actor_kinds=staff_kinds, model=Claim,
                         stale_message=lambda c: _("该申报已被处理(当前状态:%(s)s)。") % {"s": c.get_state_display()},
                         not_allowed_message=_("您无权审核该申报。"))
        if action == ClaimAction.APPROVE and _published_quarter(claim.date):
            raise LoopError(_("该申报所在季度的积分已发布,不能再计入;请代表申请更正。"))
        old = claim.state
        claim.state = CLAIM_TRANSITIONS[action].target
        claim.review_reason, claim.reviewed_by, claim.reviewed_at = reason, actor, timezone.now()
        claim.save(update_fields=["state", "review_reason", "reviewed_by", "reviewed_at"])
        event = record_event(ClaimEvent, claim=claim, action=action, actor=actor, from_state=old, to_state=claim.state,
                             comment=reason)
        title = (_("您的积分申报“%(rule)s”已审核通过。") if action == ClaimAction.APPROVE
                 else _("您的积分申报“%(rule)s”未通过审核。")) % {"rule": claim.rule.name}
        notify_on_commit(key=f"points_claim:{claim.pk}:event:{event.pk}", kind="points.claim_decided",
                         recipients=[claim.deputy], title=title, body=reason, url=claim.get_absolute_url(),
                         subject=f"points_claim:{claim.pk}")
        from notifications.services import notification_mark_done

        notification_mark_done(subject=f"points_claim:{claim.pk}", actor=actor, open_tasks=())
    return claim


def claim_approve(*, claim: Claim, actor, reason: str = "") -> Claim:
    return _claim_decide(claim=claim, actor=actor, action=ClaimAction.APPROVE, reason=(reason or "").strip()[:TEXT_MAX])


def claim_refuse(*, claim: Claim, actor, reason: str) -> Claim:
    return _claim_decide(claim=claim, actor=actor, action=ClaimAction.REFUSE, reason=_text(reason, _("不予通过的理由")))


# ---------------------------------------------------------------------------------------------
# 申请更正


def correction_request(*, actor, snapshot: Snapshot, line: Line | None = None, missing: str = "", reason: str,
                       files=()) -> Correction:
    """A deputy asks for a correction of a line of a published quarter, or of a record it misses, within
    the window after publication."""
    deputy = actor.deputy_profile
    if deputy is None:
        raise NotAllowed(_("只有代表本人可以申请更正。"))
    missing = (missing or "").strip()
    if line is not None and (line.snapshot_id != snapshot.pk or line.deputy_id != deputy.pk):
        raise NotAllowed(_("只能对本人的积分明细申请更正。"))
    if line is None and not missing:
        raise LoopError(_("请选择要更正的积分明细,或写明遗漏的履职记录。"))
    if len(missing) > 200:
        raise LoopError(_("遗漏的履职记录过长(最多 200 字)。"))
    reason = _text(reason, _("申请理由"))
    with transaction.atomic():
        # The row as stored, locked: the one-pending-request check below cannot race another request.
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
        if not snapshot.is_published:
            raise LoopError(_("该季度积分尚未发布。"))
        if snapshot.correction_due and timezone.localdate() > snapshot.correction_due:
            raise LoopError(_("申请更正的期限已过(发布后 %(n)s 个工作日内,截至 %(d)s)。")
                            % {"n": settings.POINTS_CORRECTION_WORKDAYS, "d": snapshot.correction_due})
        if line is not None and Correction.objects.filter(line=line, state=CorrectionState.REQUESTED).exists():
            raise LoopError(_("这条明细已有待处理的更正申请。"))
        correction = Correction.objects.create(deputy=deputy, area_id=_deputy_area(deputy), snapshot=snapshot,
                                               line=line, missing=missing, reason=reason)
        _files(files, correction=correction)
        event = record_event(CorrectionEvent, correction=correction, action=CorrectionAction.REQUEST, actor=actor,
                             from_state="", to_state=correction.state, comment=reason)
        notify_on_commit(key=f"points_correction:{correction.pk}:event:{event.pk}", kind="points.correction",
                         recipients=_reviewers(correction.area_id),
                         title=_("%(name)s 申请更正积分:%(s)s") % {"name": deputy.name, "s": correction.subject},
                         url=correction.get_absolute_url(), subject=f"points_correction:{correction.pk}", task="review")
    return correction


def _correction_decide(*, correction: Correction, actor, action: str, answer: str, delta=None) -> Correction:
    with transaction.atomic():
        correction, _k = lock(correction, action, actor, table=CORRECTION_TRANSITIONS, actor_kinds=staff_kinds,
                              model=Correction, not_allowed_message=_("您无权处理该更正申请。"),
                              stale_message=lambda c: _("该申请已被处理(当前状态:%(s)s)。") % {"s": c.get_state_display()})
        old = correction.state
        correction.state = CORRECTION_TRANSITIONS[action].target
        correction.answer, correction.delta = answer, delta
        correction.decided_by, correction.decided_at = actor, timezone.now()
        correction.save(update_fields=["state", "answer", "delta", "decided_by", "decided_at"])
        event = record_event(CorrectionEvent, correction=correction, action=action, actor=actor, from_state=old,
                             to_state=correction.state, comment=answer,
                             data={"delta": str(delta)} if delta is not None else {})
        title = (_("您的积分更正申请已同意,更正 %(d)s 分,计入下一季度积分。") % {"d": delta}
                 if action == CorrectionAction.ACCEPT else _("您的积分更正申请未予更正。"))
        notify_on_commit(key=f"points_correction:{correction.pk}:event:{event.pk}", kind="points.correction_decided",
                         recipients=[correction.deputy], title=title, body=answer, url=correction.get_absolute_url(),
                         subject=f"points_correction:{correction.pk}")
        from notifications.services import notification_mark_done

        notification_mark_done(subject=f"points_correction:{correction.pk}", actor=actor, open_tasks=())
    return correction


def correction_accept(*, correction: Correction, actor, delta: Decimal, answer: str) -> Correction:
    """同意更正: an adjustment of `delta` points with the reason; it shows in the next snapshot as 更正."""
    if delta is None or delta == 0 or abs(delta) > DELTA_MAX:
        raise LoopError(_("请填写更正分值(不为 0,绝对值不超过 %(n)s)。") % {"n": DELTA_MAX})
    return _correction_decide(correction=correction, actor=actor, action=CorrectionAction.ACCEPT,
                              answer=_text(answer, _("更正说明")), delta=delta)


def correction_refuse(*, correction: Correction, actor, answer: str) -> Correction:
    return _correction_decide(correction=correction, actor=actor, action=CorrectionAction.REFUSE,
                              answer=_text(answer, _("不予更正的理由")))
