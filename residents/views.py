"""Pages of resident reports: the public intake and status pages (no login, opaque tokens, rate-limited,
nothing personal shown) and the deputy's and staff's 群众来信 list, report page, actions and code pages."""

from __future__ import annotations

import datetime

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.privacy import may_see_full_personal_data
from core import downloads
from core.access import role_required
from core.loops import LoopError, NotAllowed
from core.loops.views import ActionSpec, action_forms, action_view
from core.text import mask_mobile
from deputies.choices import MandateStatus
from deputies.models import Deputy, DeputyHome

from . import selectors, services
from .choices import Action, Satisfaction, State
from .forms import (
    AnswerForm,
    BlockForm,
    ConvertForm,
    ModerateForm,
    RateForm,
    RejectForm,
    ReportForm,
    ReviewCloseForm,
    TransferForm,
    VerifyForm,
)
from .limits import client_ip
from .models import (
    BLOCKLIST_ROLES,
    FIGURE_ROLES,
    READ_ROLES,
    STAFF_ROLES,
    BlockedPhone,
    Report,
    ReportEvent,
    ReportPhoto,
    ResidentCode,
)

# ---------------------------------------------------------------------------------------------
# Public pages (no login)


def _gone(request, message=None, status=404):
    return render(request, "residents/public_gone.html",
                  {"message": message or _("该二维码无效或已作废。请联系所在街道人大工作人员。")}, status=status)


def _code_for(token: str) -> ResidentCode | None:
    # One query: the code, its target and whether its deputy is in office (services.code_usable).
    code = services.code_by_token(token)
    return code if code is not None and services.code_usable(code) else None


@require_http_methods(["GET", "POST"])
def intake(request, token: str):
    """The page a resident reaches by scanning a code: write the report, then confirm the number."""
    code = _code_for(token)
    if code is None:
        return _gone(request)
    if request.method == "GET":  # the empty form is rendered once per process: made only then (the template)
        return render(request, "residents/intake.html", {
            "code": code, "form": SimpleLazyObject(ReportForm), "bound": False,
            "retention_days": settings.RESIDENT_DATA_RETENTION_DAYS})
    form = ReportForm(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            report = services.report_start(code=code, data=form.cleaned_data, ip=client_ip(request))
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("residents_public:verify", report.status_token)
    else:
        messages.error(request, _("未能提交,请按提示修改。"))
    return render(request, "residents/intake.html", {
        "code": code, "form": form, "bound": True, "retention_days": settings.RESIDENT_DATA_RETENTION_DAYS},
        status=200 if form.is_valid() else 400)


def _report_for(token: str, *, with_item: bool = False) -> Report:
    # The confirmation pages (in the burst of a meeting) need the report only; the status page also the
    # item a converted report follows (and the master it may have been merged into).
    if with_item:
        report = Report.objects.select_related("item__merged_into").filter(status_token=token).first()
    else:  # with its code and deputy, whom a confirmation tells (one query, compiled once)
        report = services.report_by_token(token)
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


def _render_status(request, report, rate_form=None, status=200):
    may_rate = services.report_may_rate(report)
    # A converted report follows its item, or the item it was merged into (合并): its number and state.
    followed = services.followed_item(report) if report.item_id else None
    return render(request, "residents/status.html", {
        "report": report, "new": request.GET.get("new") == "1",
        "item_state": followed.get_state_display() if followed else "",
        "merged_into": followed.number if followed is not None and followed.pk != report.item_id else "",
        "rating_due": services.rating_due(report) if may_rate else None,
        "unrated": report.satisfaction == Satisfaction.UNRATED,
        "show_reply": bool(report.public_reply) and not report.reply_hidden,
        "photos": list(report.photos.filter(is_public=True)) if not report.purged_at else [],
        "may_rate": may_rate, "rate_form": (rate_form or RateForm(auto_id="id_rate_%s")) if may_rate else None},
        status=status)


@require_GET
def status(request, token: str):
    """The resident's status page: the receipt number, the state, the converted item's state, the reply
    and photos as moderated, and the rating form once it may be rated. Nothing personal."""
    report = _report_for(token, with_item=True)
    if report.state == State.PENDING:
        return redirect("residents_public:verify", token)
    return _render_status(request, report)


@require_POST
def rate(request, token: str):
    """The resident rates the answer (满意 / 基本满意 / 不满意): POST, CSRF, rate-limited."""
    report = _report_for(token, with_item=True)
    if report.state == State.PENDING:
        return redirect("residents_public:verify", token)
    form = RateForm(request.POST, auto_id="id_rate_%s")
    if form.is_valid():
        try:
            services.report_rate(report=report, satisfaction=form.cleaned_data["satisfaction"],
                                 comment=form.cleaned_data["comment"], ip=client_ip(request))
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("residents_public:status", token)
    else:
        messages.error(request, _("未能提交评价,请按提示修改。"))
    return _render_status(request, Report.objects.select_related("item__merged_into").get(pk=report.pk), form,
                          status=400)


def _photo_response(photo):
    response = downloads.stored_file(photo.file, filename=f"photo-{photo.pk}", content_type=photo.content_type,
                                     inline=True)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def public_photo(request, token: str, photo: str):
    """A photo staff chose to show on the status page; nothing else is reachable from a token."""
    found = get_object_or_404(ReportPhoto.objects.filter(
        report__status_token=token, report__purged_at__isnull=True, is_public=True), token=photo)
    return _photo_response(found)


# ---------------------------------------------------------------------------------------------
# The deputy's and staff's pages

PAGE_SIZE = 30
# What a ?measure= drill-down shows above the list (selectors.MEASURES).
MEASURE_LABELS = {"on_time": gettext_lazy("按时受理"), "closed": gettext_lazy("办结"), "rated": gettext_lazy("已评价"),
                  "pleased": gettext_lazy("满意或基本满意"), "unrated": gettext_lazy("未评价")}
STATE_FILTERS = [("", gettext_lazy("全部")), (State.SUBMITTED, gettext_lazy("待受理")),
                 (State.ACCEPTED, gettext_lazy("已受理")), (State.TRANSFERRED, gettext_lazy("已转交")),
                 (State.REVIEW, gettext_lazy("待复核")), ("closed", gettext_lazy("已答复/办结"))]
@role_required(*READ_ROLES)
@require_GET
def report_list(request):
    """群众来信: the reports in the user's scope, newest first, phones masked."""
    qs = Report.objects.visible_to(request.user).counted().select_related("code__deputy", "code__home", "area")
    qs, state, drill = selectors.filter_reports(qs, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for r in page.object_list:
        r.masked_phone = mask_mobile(r.phone)
        r.overdue = r.state == State.SUBMITTED and r.accept_due is not None and r.accept_due < today
    # A deputy prints their own 代表码 (and their stations' codes) from here.
    my_codes = (ResidentCode.objects.visible_to(request.user).filter(is_active=True).select_related("deputy", "home")
                if request.user.deputy_profile is not None else [])
    return render(request, "residents/list.html", {
        "page_obj": page, "state": state, "filters": STATE_FILTERS, "my_codes": my_codes,
        "drill": "".join(f"&{k}={v}" for k, v in drill.items()),
        "measure_label": MEASURE_LABELS.get(drill.get("measure", ""), ""), "year": drill.get("year"),
        "may_see_figures": request.user.has_role(*FIGURE_ROLES),
        "may_export": request.user.has_role(*STAFF_ROLES),
        "may_export_full": request.user.has_role(*STAFF_ROLES) and may_see_full_personal_data(request.user),
        "export_query": request.GET.urlencode(),
        "may_block": request.user.has_role(*BLOCKLIST_ROLES)})


@role_required(*STAFF_ROLES)
@require_GET
def report_export(request):
    """The 群众来信 list as .xlsx: the same scope and filters as the page (its query string), names and
    phones masked unless the exporter may see them (audit.privacy) and ticked 导出完整姓名和电话 (``full=1``;
    the export event, written by audit.middleware, says so). Cells go through core.downloads (formulas
    written as text, control characters cleaned). At residents' volumes a direct, streamed workbook of
    at most JOB_EXPORT_ROWS rows; a longer one is refused with the advice to narrow the filters."""
    import openpyxl

    qs = Report.objects.visible_to(request.user).counted()
    qs, _state, _drill = selectors.filter_reports(qs, request.GET)
    full = request.GET.get("full") == "1" and may_see_full_personal_data(request.user)
    limit = settings.JOB_EXPORT_ROWS
    if qs.count() > limit:
        messages.error(request, _("导出行数超过 %(n)s 行,请按状态、代表、街道或年份筛选后分批导出。") % {"n": limit})
        query = request.GET.copy()
        query.pop("full", None)
        return redirect(f"{reverse('residents:list')}?{query.urlencode()}")
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(downloads.sheet_title(_("群众来信")))
    downloads.append(ws, selectors.export_header())
    for row in selectors.export_rows(qs, full=full):
        downloads.append(ws, row)
    day = f"{timezone.localdate():%Y%m%d}"
    response = downloads.xlsx_stream(wb, _("群众来信-%(date)s.xlsx") % {"date": day}, fallback=f"reports-{day}.xlsx")
    response.xs_download_detail = {"full_personal_data": full}  # audit.middleware adds it to the export event
    return response


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
    "transfer": ActionSpec(roles=tuple(READ_ROLES), form=TransferForm, shows=(Action.TRANSFER,),
                           run=lambda user, r, d: services.report_transfer(report=r, actor=user, note=d["note"]),
                           done=gettext_lazy("已转交街道工作人员办理。")),
    "review_close": ActionSpec(roles=tuple(STAFF_ROLES), form=ReviewCloseForm, shows=(Action.REVIEW_CLOSE,),
                               run=lambda user, r, d: services.report_review_close(report=r, actor=user,
                                                                                   note=d["note"]),
                               done=gettext_lazy("已复核办结。")),
    "moderate": ActionSpec(roles=tuple(STAFF_ROLES), form=ModerateForm, shows=(Action.MODERATE,),
                           form_args=lambda user, r: {"report": r},
                           initial=lambda r: {"public_reply": r.public_reply, "reply_hidden": r.reply_hidden,
                                              "public_photos": [p.pk for p in r.photos.all() if p.is_public]},
                           run=lambda user, r, d: services.report_moderate(
                               report=r, actor=user, public_reply=d["public_reply"], reply_hidden=d["reply_hidden"],
                               public_photos=d.get("public_photos") or ()),
                           done=gettext_lazy("已保存查询页显示的内容。")),
}
ACTION_TITLES = {"answer": gettext_lazy("直接答复"), "convert": gettext_lazy("转为社情民意"),
                 "transfer": gettext_lazy("转交街道"), "reject": gettext_lazy("不予受理"),
                 "review_close": gettext_lazy("复核办结"), "moderate": gettext_lazy("审核查询页内容")}


def _similar(user, report):
    """近30天同类问题: reports in the user's scope of the same category and area in the last 30 days
    (the first few, with the total in the same query)."""
    since = timezone.now() - datetime.timedelta(days=30)
    rows = list(Report.objects.visible_to(user).counted()
                .filter(category=report.category, area_id=report.area_id, submitted_at__gte=since)
                .exclude(pk=report.pk).annotate(total=Window(Count("id"))).order_by("-submitted_at", "-id")[:5])
    return rows, (rows[0].total if rows else 0)


def _render_detail(request, report, bound=None, status=200):
    user = request.user
    allowed = services.report_actions(user, report)
    events = ReportEvent.objects.filter(report=report).select_related("actor")
    is_staff = user.has_role(*STAFF_ROLES)
    forms = action_forms(ACTIONS, user, report, allowed, bound)
    similar, similar_total = _similar(user, report)
    return render(request, "residents/detail.html", {
        "report": report, "events": events, "allowed": allowed,
        "forms": [(name, ACTION_TITLES.get(name, ""), form) for name, form in forms.items()],
        "show_name": report.show_name or is_staff, "masked_phone": mask_mobile(report.phone),
        "photos": list(report.photos.all()), "similar": similar, "similar_total": similar_total,
        "followed": services.followed_item(report) if report.item_id else None,
        "may_block": user.has_role(*BLOCKLIST_ROLES) and bool(report.phone) and not user.is_read_only,
        "may_reveal": may_see_full_personal_data(user) and bool(report.phone)}, status=status)


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


@role_required(*READ_ROLES)
@require_GET
def report_photo(request, pk):
    """A report's photo, to those who may read the report (nosniff, a CSP that runs nothing)."""
    photo = get_object_or_404(ReportPhoto.objects.filter(report__in=Report.objects.visible_to(request.user)
                                                         .counted()), pk=pk)
    return _photo_response(photo)


# ---------------------------------------------------------------------------------------------
# The blocklist (district staff)


@role_required(*BLOCKLIST_ROLES)
@require_http_methods(["GET", "POST"])
def blocked_list(request):
    """屏蔽号码: the numbers that may not send reports; add one by hand."""
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_block(actor=request.user, phone=form.cleaned_data["phone"],
                                 reason=form.cleaned_data["reason"])
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已屏蔽该号码。"))
            return redirect("residents:blocked")
    rows = BlockedPhone.objects.select_related("created_by")
    for row in rows:
        row.masked = mask_mobile(row.phone)
    return render(request, "residents/blocked.html", {"rows": rows, "form": form},
                  status=400 if request.method == "POST" else 200)


@role_required(*BLOCKLIST_ROLES)
@require_POST
def blocked_remove(request, pk):
    blocked = get_object_or_404(BlockedPhone, pk=pk)
    try:
        services.phone_unblock(actor=request.user, blocked=blocked)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    messages.success(request, _("已解除屏蔽。"))
    return redirect("residents:blocked")


@role_required(*BLOCKLIST_ROLES)
@require_POST
def report_block(request, pk):
    """屏蔽 the number a report came from (the number itself is not shown)."""
    report = _get_report(request, pk)
    try:
        services.report_block_phone(report=report, actor=request.user, reason=request.POST.get("reason", "")[:200])
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except LoopError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已屏蔽该来信的手机号码,此后该号码无法再提交来信。"))
    return redirect(report)


# ---------------------------------------------------------------------------------------------
# Figures


@role_required(*FIGURE_ROLES)
@require_GET
def figures(request):
    """统计: per deputy, station and area — received, accepted on time, closed, satisfaction; drill-down
    to the filtered list for those who may open it."""
    user = request.user
    return render(request, "residents/figures.html", {
        **selectors.figures(Report.objects.figures_for(user)),
        "drill": user.has_role(*READ_ROLES) and not user.is_read_only})


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

