"""Views for opinion items. Thin: scope the object → validate → call workflow → message → redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import STAFF_ROLES, Role
from core import downloads, workdays
from core.access import role_required
from core.loops.views import ActionSpec, action_forms, action_view
from core.workdays import unknown_years

from . import forms, selectors, timeline, workflow
from . import render as list_render
from .choices import Action, State, UnitRole
from .models import Assignment, Attachment, Item, ItemEvent, ItemSettings

DEPUTY_ROLES = (Role.DEPUTY, Role.GROUP_LEADER)
UNIT_ROLES = (Role.UNIT,)
OWNER_ROLES = (*DEPUTY_ROLES, *STAFF_ROLES)
SETTINGS_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF)
LIST_COUNT_CAP = 2_000  # rows counted for a narrower list's total (then: 2,000+)
PAGE_SIZE = 20


def _refused(request, message, status=403):
    return render(request, "petitions/refused.html", {"message": message}, status=status)


# ---- lists -----------------------------------------------------------------------------------


@login_required
def item_list(request, box="all"):
    spec = selectors.BOXES.get(box)
    if spec is None:
        raise Http404
    if not request.user.roles & spec.roles:
        raise PermissionDenied
    today = timezone.localdate()
    # A deputy's own lists get the simple filter (状态, 月份) and cards on a phone; staff lists the full
    # filter bar and the export.
    simple = spec.roles <= selectors.DEPUTY_ROLES
    form = (forms.DeputyItemFilterForm if simple else forms.ItemFilterForm)(request.GET or None, user=request.user)
    qs = selectors.box_queryset(request.user, box, today)
    if form.is_valid():
        qs = selectors.filter_items(qs, form.cleaned_data, today)
    if request.GET.get("export") == "xlsx" and not simple:
        if qs.count() > settings.JOB_EXPORT_ROWS:  # too long for one request: a background job (jobs/)
            return _export_job(request, box, spec.label, today)
        return _export(qs, spec.label)
    paginator = Paginator(list_render.values(selectors.item_list(qs)), PAGE_SIZE)
    filtered = form.is_valid() and any(v not in (None, "", False) for v in form.cleaned_data.values())
    total = selectors.list_total(request.user, box, filtered)
    capped = False
    if total is None:
        # Counted up to LIST_COUNT_CAP rows: a list of a hundred thousand items (a busy area's) costs what
        # two thousand do, and says "2,000+"; a filter narrows it to an exact total.
        total = qs.order_by()[:LIST_COUNT_CAP + 1].count()  # any rows: no sort of a whole area first
        capped = total > LIST_COUNT_CAP
        total = min(total, LIST_COUNT_CAP)
    paginator.count = total  # the cached_property, set: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    items = list_render.rows(page.object_list)
    context = {"box": spec, "form": form, "page_obj": page, "items": items, "today": today,
               "table_rows": list_render.table_rows(items), "card_rows": list_render.card_rows(items) if simple else "",
               "count_capped": capped,
               "can_create": request.user.has_role(*OWNER_ROLES),
               "can_bulk_assign": box == "research" and request.user.is_staff_role, "simple": simple}
    deputy = request.user.deputy_profile
    if box == "mine" and deputy is not None:
        context["quota"] = selectors.deputy_quota(deputy, today.year, today)
        context["quota_met"] = sum(1 for m in context["quota"] if m["met"])
    return render(request, "petitions/list.html", context)


def _export(qs, title):
    day = f"{timezone.localdate():%Y%m%d}"
    return downloads.xlsx_rows_stream(title, selectors.export_rows(qs),
                                      _("社情民意-%(list)s-%(date)s.xlsx") % {"list": title, "date": day},
                                      fallback=f"items-{day}.xlsx")


def _export_job(request, box, title, today):
    from jobs.services import job_create

    query = request.GET.copy()
    query.pop("export", None)
    day = f"{today:%Y%m%d}"
    job = job_create(owner=request.user, kind="items_export", params={
        "box": box, "query": query.urlencode(), "today": today.isoformat(),
        "filename": _("社情民意-%(list)s-%(date)s.xlsx") % {"list": title, "date": day}})
    messages.info(request, _("导出行数较多,已转为后台任务,完成后可在本页下载。"))
    return redirect(job)


# ---- create / edit ---------------------------------------------------------------------------


def _entering_for_others(user) -> bool:
    return user.is_staff_role and user.deputy_profile is None


@role_required(*OWNER_ROLES)
def item_create(request):
    if request.user.deputy_profile is None and not request.user.is_staff_role:
        raise PermissionDenied
    on_behalf = _entering_for_others(request.user)
    form = forms.ItemForm(request.POST or None, request.FILES or None, user=request.user, deputy_choice=on_behalf,
                          deputy=None if on_behalf else request.user.deputy_profile,
                          submitting="submit" in request.POST,
                          finding="find_co_deputy" in request.POST)
    if request.method == "POST" and form.is_valid() and not form.finding:
        data = form.cleaned_data
        deputy = data["deputy"] if on_behalf else request.user.deputy_profile
        try:
            item = workflow.item_create(actor=request.user, deputy=deputy, data=data, files=data["files"],
                                        co_deputies=data.get("co_deputies") or (), submit=False,
                                        submission_token=data.get("submission_token"))
            if "submit" in request.POST:
                item = workflow.item_submit(item=item, actor=request.user)
                messages.success(request, _("已提交,编号 %(n)s。") % {"n": item.number})
            else:
                messages.success(request, _("草稿已保存。"))
        except workflow.NotAllowed as exc:
            return _refused(request, exc.message)
        except workflow.DuplicateSubmission as exc:  # the same form sent twice: show the first item
            messages.info(request, exc.message)
            return redirect(exc.item)
        except workflow.WorkflowError as exc:
            messages.warning(request, _("草稿已保存,但未能提交:%(m)s") % {"m": exc.message})
            return redirect("petitions:edit", pk=item.pk)
        return redirect(item)
    return _render_form(request, form, {"on_behalf": on_behalf})


def _render_form(request, form, context):
    """The item form, fresh or refused (200, every typed value kept, the missing fields marked)."""
    context = {**context, "form": form, "co_chosen": form.chosen_co_deputies(), "deputy_chosen": form.chosen_deputy(),
               "files_dropped": bool(request.FILES) and (form.finding or not form.is_valid())}
    return render(request, "petitions/form.html", context)


@role_required(*OWNER_ROLES)
def item_edit(request, pk):
    item = get_object_or_404(Item.objects.visible_to(request.user), pk=pk)
    if Action.EDIT not in workflow.allowed_actions(request.user, item):
        if item.state not in (State.DRAFT, State.RETURNED):
            messages.error(request, _("该事项已提交,不能再修改。"))
            return redirect(item)
        raise PermissionDenied
    form = forms.ItemForm(request.POST or None, request.FILES or None, instance=item, user=request.user,
                          submitting="submit" in request.POST,
                          finding="find_co_deputy" in request.POST)
    if request.method == "POST" and form.is_valid() and not form.finding:
        data = form.cleaned_data
        try:
            item = workflow.item_update(item=item, actor=request.user, data=data, files=data["files"],
                                        co_deputies=data.get("co_deputies") or [])
            if "submit" in request.POST:
                item = workflow.item_submit(item=item, actor=request.user)
                messages.success(request, _("已提交,编号 %(n)s。") % {"n": item.number})
                return redirect(item)
            messages.success(request, _("已保存。"))
        except workflow.NotAllowed as exc:
            return _refused(request, exc.message)
        except workflow.WorkflowError as exc:
            messages.error(request, exc.message)
        return redirect("petitions:edit", pk=item.pk)
    reason = selectors.return_reason(item) if item.state == State.RETURNED else ""
    return _render_form(request, form, {"item": item, "return_reason": reason})


@require_GET
@role_required(*OWNER_ROLES)
def deputy_search(request):
    """The co-signer picker's choices (联名代表), an HTML fragment for htmx: in-office deputies matching
    the typed name or pinyin initials, each with area and level, leaving out those already chosen."""
    form = forms.CoSignerSearchForm(request.GET)
    pick = {"text": request.GET.get("co_deputy_name", "").replace("\x00", "")[:100], "candidates": [],
            "error": ""}
    if form.is_valid():
        pick["text"], exclude = form.cleaned_data["co_deputy_name"], form.cleaned_data["co_deputies"]
        filer = form.cleaned_data["deputy"] if _entering_for_others(request.user) else request.user.deputy_profile
        if filer is not None:
            exclude = [*exclude, getattr(filer, "pk", filer)]
        found = selectors.co_signer_candidates(request.user, pick["text"], exclude=exclude)
        pick["candidates"], pick["more"] = found[:selectors.CO_SIGNER_LIMIT], len(found) > selectors.CO_SIGNER_LIMIT
    else:
        pick["error"] = next(iter(form.errors.values()))[0]
    # Stripped: an empty answer leaves the list empty (and hidden, CSS :empty).
    return HttpResponse(render_to_string("petitions/_co_deputy_choices.html", {"pick": pick}, request).strip())


@require_GET
@role_required(*STAFF_ROLES)
def filer_search(request):
    """Staff filing for a deputy: the in-scope deputies in office matching the typed name or pinyin
    initials, as radio buttons of the form's 代表 field (an HTML fragment for htmx)."""
    if not _entering_for_others(request.user):
        raise PermissionDenied
    text = request.GET.get("deputy_name", "").replace("\x00", "").strip()[:30]
    found = selectors.co_signer_candidates(request.user, text, pool=forms.filer_pool(request.user))
    pick = {"text": text, "candidates": found[:selectors.CO_SIGNER_LIMIT], "more": len(found) > selectors.CO_SIGNER_LIMIT}
    return HttpResponse(render_to_string("petitions/_deputy_choices.html", {"pick": pick}, request).strip())


# ---- the item page ---------------------------------------------------------------------------


def _action_forms(item, allowed, bound=None, user=None) -> dict:
    return action_forms(ACTIONS, user, item, allowed, bound)


def _decide_forms(allowed, pending_requests, bound=None) -> list:
    """(request, form) for every pending 延期/退回 request this user may decide."""
    out = []
    for r in pending_requests:
        name = f"decide_{r.kind}"
        if name not in allowed:
            continue
        form = forms.DecideForm(initial={"request": r.pk, "days": r.days or None}, auto_id=f"id_decide_{r.pk}_%s")
        if bound is not None and bound[0] == name and str(bound[1].data.get("request")) == str(r.pk):
            form = bound[1]
        out.append((r, form))
    return out


def _detail_context(request, item, bound=None) -> dict:
    user = request.user
    reads = selectors.detail_reads(item)
    allowed = workflow.allowed_actions(user, item)
    return {
        "item": item, "rows": timeline.rows_for(user, item, reads.events, attachments=reads.attachments),
        "assignments": reads.assignments, "allowed": allowed, "co_deputies": reads.co_deputies,
        "merged_items": reads.merged_items, "item_attachments": reads.item_attachments,
        "today": timezone.localdate(), "forms": _action_forms(item, allowed, bound, user),
        "decide_forms": _decide_forms(allowed, reads.pending_requests, bound),
        "is_overdue": item.is_overdue(), "internal": timeline.sees_internal(user),
        "reply_visible": timeline.reply_visible(user, item),
    }


@login_required
def item_detail(request, pk):
    item = selectors.item_detail(request.user, pk)
    return render(request, "petitions/detail.html", _detail_context(request, item))


@login_required
def item_print(request, pk):
    """交办单 / 答复单 on A4 for one item, scoped like the item page (out of scope: 404)."""
    item = selectors.item_detail(request.user, pk)
    internal = timeline.sees_internal(request.user)
    current = Assignment.objects.filter(item=item, is_current=True, cancelled_at__isnull=True).select_related("unit")
    lead = current.filter(role=UnitRole.LEAD).order_by("-round", "-id").first()
    co = list(current.filter(role=UnitRole.CO).order_by("id"))
    # The 交办意见 of this round (a round opened by 不满意 has none of its own).
    assign_event = lead and ItemEvent.objects.filter(item=item, action=Action.ASSIGN, data__round=lead.round).first()
    sheet = request.GET.get("sheet", "")
    show_reply = timeline.reply_visible(request.user, item)
    return render(request, "petitions/print.html", {
        "item": item, "co_deputies": list(item.co_deputies.all()), "lead": lead, "co": co,
        "assign_event": assign_event, "internal": internal,
        "show_assign": lead is not None and sheet in ("", "assign"),
        "show_reply": show_reply and sheet in ("", "reply"), "issuer": _issuer()})


def _issuer() -> str:
    from assessments.selectors import issuer

    return issuer()


# ---- actions (POST only) ---------------------------------------------------------------------


def _merge(user, item, d):
    into = Item.objects.visible_to(user).filter(pk=d["into"]).first()
    if into is None:
        raise workflow.WorkflowError(_("找不到要并入的事项。"))
    return workflow.item_merge(item=item, actor=user, into=into, comment=d["comment"])


def _decide(kind):
    fn = workflow.item_decide_extension if kind == "extension" else workflow.item_decide_return

    def run(user, item, d):
        kwargs = {"days": d.get("days")} if kind == "extension" else {}
        try:
            return fn(item=item, actor=user, request=d["request"], approve=d["approve"], comment=d["comment"],
                      **kwargs)
        except workdays.DateOutOfRange:  # a due date such as 9999-12-31, stored before forms bounded it
            raise workflow.WorkflowError(_("该单位的办理期限不是有效日期,无法延期;请先更正办理期限。")) from None

    return run


def _evaluated(item) -> str:
    """After an evaluation, say where the item goes next (a 不满意 sends it back with a new due date)."""
    if item.state == State.HANDLING:
        return _("已记录“不满意”。该事项已退回%(unit)s重新办理,新的办理期限为 %(due)s,办理结果将再次反馈给您。") % {
            "unit": item.lead_unit, "due": item.stage_due.isoformat() if item.stage_due else "—"}
    if item.state == State.RESEARCH:
        return _("已记录“不满意”。该事项已退回人大工作人员重新研处,研处期限为 %(due)s。") % {
            "due": item.stage_due.isoformat() if item.stage_due else "—"}
    if item.state == State.SUPERVISION:
        return _("已记录“不满意”。这是第二次不满意,该事项转由人大工作人员督办办结。")
    return _("评价已提交,谢谢。")


def _decide_auto_id(post) -> str:
    return f"id_decide_{post.get('request', '')}_%s"  # as _decide_forms names each pending request's form


ACTIONS: dict[str, ActionSpec] = {
    "submit": ActionSpec(OWNER_ROLES, None, lambda u, i, d: workflow.item_submit(item=i, actor=u),
                         gettext_lazy("已提交。")),
    "withdraw": ActionSpec(OWNER_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_withdraw(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已撤回。"),
        {"required": False, "label": gettext_lazy("撤回说明")}, (Action.WITHDRAW,)),
    "start_research": ActionSpec(STAFF_ROLES, None, lambda u, i, d: workflow.item_start_research(item=i, actor=u),
                                 gettext_lazy("已开始研处。")),
    "return_for_detail": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_return_for_detail(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已退回代表补充。"),
        {"label": gettext_lazy("需要补充的内容")}, (Action.RETURN_FOR_DETAIL,)),
    "merge": ActionSpec(STAFF_ROLES, forms.MergeForm, _merge, gettext_lazy("已合并。"), shows=(Action.MERGE,)),
    "answer": ActionSpec(STAFF_ROLES, forms.ReplyForm, lambda u, i, d: workflow.item_answer_directly(
        item=i, actor=u, reply=d["reply"], files=d["files"]), gettext_lazy("已直接答复,等待代表评价。"),
        shows=(Action.ANSWER_DIRECTLY,)),
    "reject": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_reject(
        item=i, actor=u, reason=d["comment"]), gettext_lazy("已不予受理并办结。"),
        {"label": gettext_lazy("不予受理理由(将答复代表)")}, (Action.REJECT,)),
    "assign": ActionSpec(STAFF_ROLES, forms.AssignForm, lambda u, i, d: workflow.item_assign(
        item=i, actor=u, lead_unit=d["lead_unit"], co_units=d["co_units"], due_date=d["due_date"],
        comment=d["comment"]), gettext_lazy("已交办。"), shows=(Action.ASSIGN,),
        initial=lambda item: {"due_date": forms.default_due()}),
    "recall": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_recall(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已撤回交办,回到研处。"),
        {"label": gettext_lazy("撤回原因")}, (Action.RECALL,)),
    "progress": ActionSpec(UNIT_ROLES, forms.ProgressForm, lambda u, i, d: workflow.item_add_progress(
        item=i, actor=u, comment=d["comment"], files=d["files"]), gettext_lazy("已记录办理进展。"),
        shows=(Action.PROGRESS,)),
    "request_return": ActionSpec(UNIT_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_request_return(
        item=i, actor=u, reason=d["comment"]), gettext_lazy("退回申请已提交,等待审批。"),
        {"label": gettext_lazy("退回理由")}, (Action.REQUEST_RETURN,)),
    "decide_return": ActionSpec(STAFF_ROLES, forms.DecideForm, _decide("return"), gettext_lazy("已审批退回申请。"),
                                auto_id=_decide_auto_id),
    "request_extension": ActionSpec(UNIT_ROLES, forms.ExtensionRequestForm, lambda u, i, d:
                                    workflow.item_request_extension(item=i, actor=u, days=d["days"],
                                                                    reason=d["reason"]),
                                    gettext_lazy("延期申请已提交,等待审批。"), shows=(Action.REQUEST_EXTENSION,)),
    "decide_extension": ActionSpec(STAFF_ROLES, forms.DecideForm, _decide("extension"),
                                   gettext_lazy("已审批延期申请。"), auto_id=_decide_auto_id),
    "submit_result": ActionSpec(UNIT_ROLES, forms.ResultForm, lambda u, i, d: workflow.item_submit_result(
        item=i, actor=u, result=d["result"], files=d["files"]), gettext_lazy("办理结果已提交。"),
        shows=(Action.SUBMIT_RESULT, Action.SUBMIT_PART)),
    "review": ActionSpec(STAFF_ROLES, forms.ReviewForm, lambda u, i, d: workflow.item_review_reply(
        item=i, actor=u, approve=d["approve"], comment=d["comment"]), gettext_lazy("审核完成。"),
        shows=(Action.PASS_ON,)),
    "evaluate": ActionSpec(OWNER_ROLES, forms.EvaluateForm, lambda u, i, d: workflow.item_evaluate(
        item=i, actor=u, satisfaction=d["satisfaction"], comment=d["comment"], due_date=d.get("due_date")),
        _evaluated, shows=(Action.EVALUATE,)),
    "deem_satisfied": ActionSpec(STAFF_ROLES, None, lambda u, i, d: workflow.item_deem_satisfied(item=i, actor=u),
                                 gettext_lazy("已按逾期未评价视为满意办结。")),
    "close_supervised": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_close_supervised(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已督办办结。"),
        {"label": gettext_lazy("督办意见")}, (Action.CLOSE_SUPERVISED,)),
}


@require_POST
@login_required
def item_action(request, pk, action):
    """Run one action. A refused post (invalid form, refused workflow step) re-renders the item page
    with the bound form and its errors, so nothing the person typed is lost; nothing is changed."""
    return action_view(request, actions=ACTIONS, action=action, refused=_refused, rerender=_refused_action,
                       get_object=lambda r: get_object_or_404(Item.objects.visible_to(r.user), pk=pk))


def _refused_action(request, item, action, form):
    # Re-read the item: the refused call changed nothing, but a colleague may have moved it on.
    item = selectors.item_detail(request.user, item.pk)
    bound = (action, form) if form is not None else None
    return render(request, "petitions/detail.html", _detail_context(request, item, bound), status=200)


@role_required(*STAFF_ROLES)
def bulk_assign(request):
    candidates = selectors.item_list(selectors.box_queryset(request.user, "research"))
    form = forms.BulkAssignForm(request.POST or None, items_qs=candidates,
                                initial={"due_date": forms.default_due()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, refused = workflow.item_bulk_assign(items=list(d["items"]), actor=request.user,
                                                  lead_unit=d["lead_unit"], co_units=d["co_units"],
                                                  due_date=d["due_date"], comment=d["comment"])
        if done:
            messages.success(request, _("已批量交办 %(n)s 件。") % {"n": len(done)})
        for item, message in refused:
            messages.error(request, f"{item.number}:{message}")
        return redirect("petitions:research")
    chosen = {int(pk) for pk in request.POST.getlist("items") if pk.isdigit()}  # kept ticked when refused
    return render(request, "petitions/bulk_assign.html",
                  {"form": form, "candidates": candidates[:200], "chosen": chosen})


# ---- files and settings ----------------------------------------------------------------------


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(item__in=Item.objects.visible_to(request.user)), pk=pk)
    if not timeline.attachment_visible(request.user, attachment):
        raise Http404  # a file of a note the deputy may not read (e.g. a reply not yet passed on)
    return downloads.stored_file(attachment.file, filename=attachment.name, content_type=attachment.content_type)


@role_required(*SETTINGS_ROLES)
def item_settings(request):
    obj = ItemSettings.load()
    form = forms.ItemSettingsForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, _("办理时限已保存,新的时限对此后的操作生效。"))
        return redirect("petitions:settings")
    from holidays.services import EDIT_ROLES as CALENDAR_ROLES

    year = timezone.localdate().year
    return render(request, "petitions/settings.html", {
        "form": form, "settings_obj": obj, "unknown_years": unknown_years([year, year + 1]),
        "may_edit_calendar": request.user.has_role(*CALENDAR_ROLES)})

