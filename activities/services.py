"""Everything that writes activities, attendance and reception-day records."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.loops import LoopError, NotAllowed, StaleState

from .choices import AttendanceStatus
from .models import Activity, ActivityPhoto, Attendance, ReceptionProblem


@transaction.atomic
def activity_create(*, actor, kind: str, title: str, date: datetime.date, place: str = "", organiser_group=None,
                    organiser_area=None, summary: str = "", invited=(), home=None,
                    voters_received: int = 0) -> Activity:
    """Record an activity and invite deputies (each gets an attendance row, 已邀请)."""
    activity = Activity.objects.create(
        kind=kind, title=title, date=date, place=place, organiser_group=organiser_group,
        organiser_area=organiser_area, summary=summary, home=home, voters_received=voters_received or 0,
        created_by=actor)
    Attendance.objects.bulk_create([Attendance(activity=activity, deputy=d) for d in invited])
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor, kind: str, title: str, date: datetime.date, place: str = "",
                    organiser_group=None, organiser_area=None, summary: str = "", invited=(), home=None,
                    voters_received: int = 0) -> Activity:
    """Change an activity; deputies no longer invited lose their attendance row, new ones are added."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.kind, activity.title, activity.date, activity.place = kind, title, date, place
    activity.organiser_group, activity.organiser_area = organiser_group, organiser_area
    activity.summary, activity.home, activity.voters_received = summary, home, voters_received or 0
    activity.save()
    wanted = {d.pk for d in invited}
    activity.attendances.exclude(deputy_id__in=wanted).delete()
    have = set(activity.attendances.values_list("deputy_id", flat=True))
    Attendance.objects.bulk_create([Attendance(activity=activity, deputy_id=pk) for pk in wanted - have])
    return activity


@transaction.atomic
def attendance_record(*, activity: Activity, actor, statuses: dict[int, tuple[str, str]]) -> int:
    """Record who attended, asked for leave (请假) or was absent (缺席): {deputy_id: (status, note)}.
    Returns how many rows changed."""
    changed = 0
    rows = Attendance.objects.select_for_update().filter(activity=activity, deputy_id__in=list(statuses))
    for row in rows:
        status, note = statuses[row.deputy_id]
        if status not in AttendanceStatus.values:
            raise ValueError(status)
        if (row.status, row.note) != (status, note):
            row.status, row.note = status, note
            row.save(update_fields=["status", "note"])
            changed += 1
    return changed


def _answer_refusal(activity: Activity, row: Attendance, status: str, note: str, today: datetime.date):
    """Why this deputy may not answer `status` now (the LoopError to raise), or None."""
    if row.status == AttendanceStatus.ABSENT:
        return LoopError(_("工作人员已登记您为缺席,如有异议请联系工作人员。"))
    if status == AttendanceStatus.ATTENDED:
        if row.status == AttendanceStatus.ATTENDED:
            return StaleState(_("您已签到。"))
        if today != activity.date:
            return LoopError(_("只能在活动当天(%(date)s)签到。") % {"date": activity.date.isoformat()})
        return None
    if status == AttendanceStatus.LEAVE:
        if row.status == AttendanceStatus.ATTENDED:
            return LoopError(_("您已签到,不能再请假。"))
        if row.status == AttendanceStatus.LEAVE:
            return StaleState(_("您已请假。"))
        if today > activity.date:
            return LoopError(_("活动已经结束,不能再请假;如有需要请联系工作人员。"))
        if not note:
            return LoopError(_("请填写请假事由。"))
        return None
    raise ValueError(status)


def attendance_answers_open(*, activity: Activity, row: Attendance | None) -> list[str]:
    """The answers (ATTENDED, LEAVE) the invited deputy of `row` may give now: the buttons to show."""
    if row is None:
        return []
    today = timezone.localdate()
    return [status for status in (AttendanceStatus.ATTENDED, AttendanceStatus.LEAVE)
            if _answer_refusal(activity, row, status, "-", today) is None]


@transaction.atomic
def attendance_answer(*, activity: Activity, actor, status: str, note: str = "") -> Attendance:
    """An invited deputy's own answer (the mini-program): 签到 (ATTENDED) on the activity's day, or 请假
    (LEAVE, with the reason) up to that day. Only the deputy's own invitation row, and never over what
    staff recorded as 缺席 (only absences are deducted, so that stays staff's word, via attendance_record)."""
    deputy = actor.deputy_profile
    row = (Attendance.objects.select_for_update().filter(activity=activity, deputy=deputy).first()
           if deputy is not None and not actor.is_read_only else None)
    if row is None:
        raise NotAllowed(_("您不在该活动的邀请名单中。"))
    note = (note or "").strip()[:200]
    refusal = _answer_refusal(activity, row, status, note, timezone.localdate())
    if refusal is not None:
        raise refusal
    row.status = status
    if status == AttendanceStatus.LEAVE:
        row.note = note
    row.save(update_fields=["status", "note"])
    return row


@transaction.atomic
def activity_photo_add(*, activity: Activity, actor, file, caption: str = "") -> ActivityPhoto:
    return ActivityPhoto.objects.create(activity=activity, file=file, caption=caption, uploaded_by=actor)


@transaction.atomic
def reception_problem_add(*, activity: Activity, actor, deputy, description: str, voter_name: str = "",
                          voter_contact: str = "", category: str = "", solved_on_site: bool = False) -> ReceptionProblem:
    """Register a problem a voter raised at a reception day."""
    return ReceptionProblem.objects.create(
        activity=activity, deputy=deputy, description=description, voter_name=voter_name, category=category,
        voter_contact=voter_contact, solved_on_site=solved_on_site, created_by=actor)


@transaction.atomic
def reception_problem_solve(*, problem: ReceptionProblem, actor) -> ReceptionProblem:
    """Mark a problem solved on the spot (当场解决)."""
    ReceptionProblem.objects.filter(pk=problem.pk, solved_on_site=False).update(solved_on_site=True)
    problem.refresh_from_db()
    return problem
