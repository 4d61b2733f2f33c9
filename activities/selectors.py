"""Reads for activities: lists and counts computed in SQL."""

from django.db.models import Count, Q

from .choices import ActivityKind, AttendanceStatus
from .models import Activity, Attendance, ReceptionProblem


def activity_list(*, user, kind: str = "", year: int | None = None, q: str = ""):
    qs = Activity.objects.visible_to(user).select_related("organiser_group", "organiser_area", "home")
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(date__year=year)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q))
    return qs.annotate(
        invited_count=Count("attendances", distinct=True),
        attended_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ATTENDED), distinct=True),
        leave_count=Count("attendances", filter=Q(attendances__status=AttendanceStatus.LEAVE), distinct=True),
        problem_count=Count("problems", distinct=True),
    ).order_by("-date", "-id")


def attendances_of(activity):
    return activity.attendances.select_related("deputy").order_by("deputy__name_pinyin", "deputy_id")


def problems_of(activity):
    return ReceptionProblem.objects.filter(activity=activity).select_related("deputy").order_by("id")


def problem_solved_q(prefix: str = "") -> Q:
    """A problem counts as solved when solved on the spot (当场解决). When the opinion-item link exists,
    `activities.links` widens this to items concluded (已办结)."""
    from . import links

    return links.problem_solved_q(prefix)


def reception_counts(activity) -> dict:
    return ReceptionProblem.objects.filter(activity=activity).aggregate(
        raised=Count("pk"), solved=Count("pk", filter=problem_solved_q()))


def attendance_summary(activity) -> dict:
    return Attendance.objects.filter(activity=activity).aggregate(
        invited=Count("pk"),
        attended=Count("pk", filter=Q(status=AttendanceStatus.ATTENDED)),
        leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE)),
        absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
    )
