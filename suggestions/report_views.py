"""The session report's pages beyond the screen: A4 print, .xlsx of its tables, and the list's current
filter as .xlsx. Roles as for the report (admin, district staff, leader); the list export as the list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.downloads import Rate
from dashboards.exports import xlsx_response

from .choices import REPLYING_ROLES, ReplyClass
from .forms import SuggestionFilterForm
from .models import Session, Suggestion, SuggestionUnit
from .selectors import session_counts, session_report, session_stats, unit_report

# Who sees the session report (views.REPORT_ROLES) and who opens the list (views.READ_ROLES).
from .views import READ_ROLES, REPORT_ROLES

LIST_EXPORT_MAX = 20000


def report_context(session: Session) -> dict:
    """What the report page, its print page and its .xlsx show: one computation for the three."""
    # Each figure is counted once: the session's in one query, the unit table's in another.
    counts, units = session_counts(session), unit_report(session)
    stats = session_stats(session, counts=counts, units=units)
    report = session_report(session, counts=counts)
    classes = [(c, stats["classes"][c], f"class_{c}") for c in ReplyClass.values]
    return {"session": session, "stats": stats, "report": report, "units": units, "classes": classes,
            "drill_base": reverse("suggestions:list")}


def _report_session(request, pk: int) -> Session:
    if not request.user.roles & REPORT_ROLES:
        raise PermissionDenied
    return get_object_or_404(Session, pk=pk)


@login_required
@require_GET
def session_report_print(request, pk: int):
    session = _report_session(request, pk)
    return render(request, "suggestions/report_print.html",
                  {**report_context(session), "printing": True, "today": timezone.localdate()})


def _unit_headers() -> list[str]:
    return [_("承办单位"), _("总数"), _("立案"), _("并案"), _("不予立案"), _("已答复"), _("办结"), _("办结率"),
            "A", "B", "C", "D", _("按期答复率"), _("见面率"), _("办理工作满意率"), _("办理结果满意率"),
            _("办理工作未表态"), _("办理结果未表态")]


def _unit_row(u: dict) -> list:
    return [u["name"], u["total"], u["accepted"], u["merged"], u["not_accepted"], u["answered"], u["concluded"],
            Rate(u["completion_rate"]), *(n for _c, n in u["classes"]), Rate(u["on_time_rate"]),
            Rate(u["meeting_rate"]), Rate(u["work_satisfaction_rate"]), Rate(u["result_satisfaction_rate"]),
            u["work_unrated"], u["result_unrated"]]


@login_required
@require_GET
def session_report_xlsx(request, pk: int):
    """The report's tables: `?table=units` the unit table, otherwise the session's figures."""
    session = _report_session(request, pk)
    ctx = report_context(session)
    if request.GET.get("table") == "units":
        return xlsx_response(filename=f"{session.name}-承办单位.xlsx", fallback="suggestion-units.xlsx",
                             title=_("%(name)s代表建议办理情况(各承办单位,办结率由低到高)") % {"name": session.name},
                             sheet=_("承办单位"), headers=_unit_headers(),
                             rows=[_unit_row(u) for u in ctx["units"]])
    stats, report = ctx["stats"], ctx["report"]
    rows = [
        [_("登记"), stats["total"]], [_("立案"), stats["accepted"]], [_("并案"), report["merged"]],
        [_("不予立案"), report["not_accepted"]], [_("已答复"), report["answered"]], [_("办结"), stats["concluded"]],
        [_("办结率"), Rate(stats["completion_rate"])], [_("按期答复率"), Rate(stats["on_time_rate"])],
        [_("见面率"), Rate(report["meeting_rate"])],
        [_("办理工作满意率"), Rate(stats["work_satisfaction_rate"])],
        [_("办理结果满意率"), Rate(stats["result_satisfaction_rate"])],
        [_("首轮办理工作满意率"), Rate(report["first_work_satisfaction_rate"])],
        [_("首轮办理结果满意率"), Rate(report["first_result_satisfaction_rate"])],
        [_("办理工作未表态"), report["work_unrated"]], [_("办理结果未表态"), report["result_unrated"]],
        [_("重新办理"), report["rehandled"]], [_("跟踪落实(B/C)"), report["tracking"]],
        *([_("%(c)s 类") % {"c": c}, n] for c, n, _k in ctx["classes"]),
        [_("两次不满意转督办"), len(report["supervised"])],
    ]
    return xlsx_response(filename=f"{session.name}-办理情况.xlsx", fallback="suggestion-report.xlsx",
                         title=_("%(name)s代表建议办理情况") % {"name": session.name}, sheet=_("办理情况"),
                         headers=[_("项目"), _("数值")], rows=rows)


@login_required
@require_GET
def suggestion_list_xlsx(request):
    """The list's current filter (and scope) as .xlsx, in the list's order."""
    if not request.user.roles & READ_ROLES:
        raise PermissionDenied
    form = SuggestionFilterForm(request.GET or None)
    qs = (form.filter(Suggestion.objects.visible_to(request.user)).select_related("session", "lead_deputy")
          .prefetch_related(Prefetch("units", queryset=SuggestionUnit.objects.filter(
              is_current=True, cancelled_at__isnull=True, role__in=REPLYING_ROLES).select_related("unit")
              .order_by("role", "id"), to_attr="lead_units"))
          .order_by("-session__year", "session__name", "number", "-id"))[:LIST_EXPORT_MAX]
    rows = [[s.session.name, s.display_number or "", s.title, s.lead_deputy.name,
             "、".join(u.unit.name for u in s.lead_units), s.get_state_display(),
             s.get_reply_class_display() if s.reply_class else "", s.reply_due] for s in qs]
    return xlsx_response(filename="代表建议.xlsx", fallback="suggestions.xlsx", title=_("代表建议"),
                         sheet=_("代表建议"),
                         headers=[_("会议"), _("编号"), _("案由"), _("领衔代表"), _("主办单位"), _("状态"),
                                  _("答复类别"), _("答复期限")], rows=rows)
