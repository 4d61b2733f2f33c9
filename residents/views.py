"""Pages of resident reports: the public intake and status pages (no login, opaque tokens, rate-limited,
nothing personal shown) and the deputy's and staff's 群众来信 list, report page, actions and code pages."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.privacy import may_see_full_personal_data
from core.access import role_required
from core.loops import LoopError, NotAllowed
from core.loops.views import ActionSpec, action_forms, action_view
from core.text import mask_mobile
from deputies.choices import MandateStatus
from deputies.models import Deputy, DeputyHome

from . import services
from .choices import Action, State
from .forms import AnswerForm, ConvertForm, RejectForm, ReportForm, VerifyForm
from .limits import client_ip
from .models import READ_ROLES, STAFF_ROLES, Report, ReportEvent, ResidentCode

# ---------------------------------------------------------------------------------------------
# Public pages (no login)


def _gone(request, message=None, status=404):
    return render(request, "residents/public_gone.html",
                  {"message": message or _("该二维码无效或已作废。请联系所在街道人大工作人员。")}, status=status)


def _code_for(token: str) -> ResidentCode | None:
    code = ResidentCode.objects.select_related("deputy", "home", "area").filter(token=token).first()
    return code if code is not None and services.code_usable(code) else None


@require_http_methods(["GET", "POST"])
def intake(request, token: str):
    """The page a resident reaches by scanning a code: write the report, then confirm the number."""
    code = _code_for(token)
    if code is None:
        return _gone(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_start(code=code, data=form.cleaned_data, ip=client_ip(request))
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("residents_public:verify", report.status_token)
    elif request.method == "POST":
        messages.error(request, _("未能提交,请按提示修改。"))
    return render(request, "residents/intake.html", {
        "code": code, "form": form, "retention_days": settings.RESIDENT_DATA_RETENTION_DAYS},
        status=200 if request.method == "GET" or form.is_valid() else 400)


def _report_for(token: str) -> Report:
    report = Report.objects.select_related("item").filter(status_token=token).first()
    if report is None:
        raise Http404
    return report


@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    report = _report_for(token)
    if report.state != State.PENDING:
        return redirect("residents_public:status", token)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_verify(report=report, code=form.cleaned_data["code"])
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(f"{report.status_url()}?new=1")
    return render(request, "residents/verify.html", {"report": report, "form": form,
                                                     "masked": mask_mobile(report.phone)})


@require_POST
def resend(request, token: str):
    report = _report_for(token)
    try:
        services.report_resend_code(report=report, ip=client_ip(request))
    except LoopError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("验证码已重新发送。"))
    return redirect("residents_public:verify", token)


@require_GET
def status(request, token: str):
    """The resident's status page: the receipt number, the state and the public reply only."""
    report = _report_for(token)
    if report.state == State.PENDING:
        return redirect("residents_public:verify", token)
    return render(request, "residents/status.html", {
        "report": report, "new": request.GET.get("new") == "1",
        "item_state": report.item.get_state_display() if report.item_id else ""})


# ---------------------------------------------------------------------------------------------
# The deputy's and staff's pages

PAGE_SIZE = 30
STATE_FILTERS = [("", gettext_lazy("全部")), (State.SUBMITTED, gettext_lazy("待受理")),
                 (State.ACCEPTED, gettext_lazy("已受理")), ("closed", gettext_lazy("已办结"))]


@role_required(*READ_ROLES)
@require_GET
def report_list(request):
    """群众来信: the reports in the user's scope, newest first, phones masked."""
    qs = Report.objects.visible_to(request.user).counted().select_related("code__deputy", "code__home", "area")
    state = request.GET.get("state", "")
    if state == "closed":
        qs = qs.exclude(state__in=(State.SUBMITTED, State.ACCEPTED))
    elif state in (State.SUBMITTED, State.ACCEPTED):
        qs = qs.filter(state=state)
    else:
        state = ""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for r in page.object_list:
        r.masked_phone = mask_mobile(r.phone)
        r.overdue = r.state == State.SUBMITTED and r.accept_due is not None and r.accept_due < today
    # A deputy prints their own 代表码 (and their stations' codes) from here.
    my_codes = (ResidentCode.objects.visible_to(request.user).filter(is_active=True).select_related("deputy", "home")
                if request.user.deputy_profile is not None else [])
    return render(request, "residents/list.html", {"page_obj": page, "state": state, "filters": STATE_FILTERS,
                                                   "my_codes": my_codes})


def _get_report(request, pk):
    return get_object_or_404(Report.objects.visible_to(request.user).counted()
                             .select_related("code__deputy", "code__home", "area", "item"), pk=pk)


ACTIONS = {
    "accept": ActionSpec(roles=tuple(READ_ROLES), form=None, shows=(Action.ACCEPT,),
                         run=lambda user, r, d: services.report_accept(report=r, actor=user),
                         done=gettext_lazy("已受理。")),
    "answer": ActionSpec(roles=tuple(READ_ROLES), form=AnswerForm, shows=(Action.ANSWER,),
                         run=lambda user, r, d: services.report_answer(report=r, actor=user, reply=d["reply"]),
                         done=gettext_lazy("已答复,群众可在查询页面看到答复。")),
    "convert": ActionSpec(roles=tuple(READ_ROLES), form=ConvertForm, shows=(Action.CONVERT,),
                          run=lambda user, r, d: services.report_convert(report=r, actor=user, note=d["note"]),
                          done=lambda r: _("已转为社情民意 %(n)s。") % {"n": r.item.number}),
    "reject": ActionSpec(roles=tuple(READ_ROLES), form=RejectForm, shows=(Action.REJECT,),
                         run=lambda user, r, d: services.report_reject(report=r, actor=user, reason=d["reason"]),
                         done=gettext_lazy("已不予受理,理由会告知群众。")),
}


def _render_detail(request, report, bound=None, status=200):
    allowed = services.report_actions(request.user, report)
    events = ReportEvent.objects.filter(report=report).select_related("actor")
    is_staff = request.user.has_role(*STAFF_ROLES)
    return render(request, "residents/detail.html", {
        "report": report, "events": events, "allowed": allowed,
        "forms": action_forms(ACTIONS, request.user, report, allowed, bound),
        "show_name": report.show_name or is_staff, "masked_phone": mask_mobile(report.phone),
        "may_reveal": may_see_full_personal_data(request.user) and bool(report.phone)}, status=status)


@role_required(*READ_ROLES)
@require_GET
def report_detail(request, pk):
    return _render_detail(request, _get_report(request, pk))


def _refused(request, message):
    raise PermissionDenied(message)


@role_required(*READ_ROLES)
@require_POST
def report_action(request, pk, action):
    return action_view(request, actions=ACTIONS, action=action, get_object=lambda req: _get_report(req, pk),
                       rerender=lambda req, obj, act, form: _render_detail(req, obj, (act, form), status=400),
                       refused=_refused)


# ---------------------------------------------------------------------------------------------
# Codes (staff), posters (staff and the code's own deputy)


@role_required(*STAFF_ROLES)
@require_GET
def code_list(request):
    user = request.user
    codes = (ResidentCode.objects.editable_by(user).filter(is_active=True)
             .select_related("deputy", "home", "area").prefetch_related("on_duty"))
    with_code = ResidentCode.objects.filter(is_active=True)
    deputies = (Deputy.objects.editable_by(user).in_office().exclude(pk__in=with_code.values("deputy_id")
                                                                    .exclude(deputy_id=None))
                .select_related("area").order_by("name_pinyin", "id"))
    homes = (DeputyHome.objects.editable_by(user).exclude(pk__in=with_code.values("home_id").exclude(home_id=None))
             .select_related("area"))
    return render(request, "residents/codes.html", {"codes": codes, "deputies": deputies, "homes": homes})


def _post_code(request, run):
    try:
        code = run()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except LoopError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已完成:%(c)s") % {"c": code})
    return redirect("residents:codes")


@role_required(*STAFF_ROLES)
@require_POST
def code_issue(request):
    deputy = home = None
    if request.POST.get("deputy"):
        deputy = get_object_or_404(Deputy.objects.editable_by(request.user), pk=_int(request.POST["deputy"]))
    elif request.POST.get("home"):
        home = get_object_or_404(DeputyHome.objects.editable_by(request.user), pk=_int(request.POST["home"]))
    return _post_code(request, lambda: services.code_issue(actor=request.user, deputy=deputy, home=home))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@role_required(*STAFF_ROLES)
@require_POST
def code_revoke(request, pk):
    code = get_object_or_404(ResidentCode.objects.editable_by(request.user), pk=pk)
    return _post_code(request, lambda: services.code_revoke(actor=request.user, code=code))


@role_required(*STAFF_ROLES)
@require_POST
def code_reissue(request, pk):
    code = get_object_or_404(ResidentCode.objects.editable_by(request.user), pk=pk)
    return _post_code(request, lambda: services.code_reissue(actor=request.user, code=code))


def _poster(request, code) -> dict:
    url = request.build_absolute_uri(code.public_url()) if not settings.SITE_URL else settings.SITE_URL + code.public_url()
    terms = []
    if code.deputy_id:  # the level shown on the poster: the deputy's mandates in office (市、区 …)
        terms = [str(m.term) for m in code.deputy.mandates.filter(status=MandateStatus.IN_OFFICE).select_related("term")]
    return {"code": code, "url": url, "terms": terms,
            "svg": segno.make(url, error="m").svg_inline(scale=6, omitsize=True)}


@role_required(*READ_ROLES)
@require_GET
def code_poster(request, pk):
    """The printable A4 poster of one code (the QR as inline SVG made on the server)."""
    code = get_object_or_404(ResidentCode.objects.visible_to(request.user).filter(is_active=True)
                             .select_related("deputy", "home", "area"), pk=pk)
    return render(request, "residents/poster.html", {"posters": [_poster(request, code)]})


@role_required(*STAFF_ROLES)
@require_GET
def code_print_all(request):
    """Batch print: every active code in the staff member's scope, one A4 page each."""
    codes = (ResidentCode.objects.editable_by(request.user).filter(is_active=True)
             .select_related("deputy", "home", "area"))
    return render(request, "residents/poster.html", {"posters": [_poster(request, c) for c in codes]})

