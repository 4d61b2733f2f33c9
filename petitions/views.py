"""Views for opinion items. Thin: scope the object → validate → call workflow → message → redirect."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.choices import STAFF_ROLES, Role
from core import downloads
from core.access import role_required
from core.workdays import unknown_years

from . import forms, selectors, workflow
from .choices import Action, RequestStatus, State
from .models import Assignment, Attachment, HandlingRequest, Item, ItemEvent, ItemSettings

DEPUTY_ROLES = (Role.DEPUTY, Role.GROUP_LEADER)
UNIT_ROLES = (Role.UNIT,)
OWNER_ROLES = (*DEPUTY_ROLES, *STAFF_ROLES)
SETTINGS_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF)
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
    form = forms.ItemFilterForm(request.GET or None, user=request.user)
    qs = selectors.box_queryset(request.user, box, today)
    if form.is_valid():
        qs = selectors.filter_items(qs, form.cleaned_data, today)
    if request.GET.get("export") == "xlsx":
        return _export(qs, spec.label)
    paginator = Paginator(selectors.item_list(qs), PAGE_SIZE)
    filtered = form.is_valid() and any(v not in (None, "", False) for v in form.cleaned_data.values())
    total = selectors.list_total(request.user, box, filtered)
    if total is not None:
        paginator.count = total  # the cached_property, set: no COUNT(*) over every item
    page = paginator.get_page(request.GET.get("page"))
    context = {"box": spec, "form": form, "page_obj": page, "items": page.object_list, "today": today,
               "can_create": request.user.has_role(*OWNER_ROLES),
               "can_bulk_assign": box == "research" and request.user.is_staff_role}
    deputy = request.user.deputy_profile
    if box == "mine" and deputy is not None:
        context["quota"] = selectors.deputy_quota(deputy, today.year, today)
        context["quota_met"] = sum(1 for m in context["quota"] if m["met"])
    return render(request, "petitions/list.html", context)


def _export(qs, title):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(title)[:30])
    for row in selectors.export_rows(qs):
        ws.append(row)
    day = f"{timezone.localdate():%Y%m%d}"
    return downloads.xlsx_response(wb, _("社情民意-%(list)s-%(date)s.xlsx") % {"list": title, "date": day},
                                   fallback=f"items-{day}.xlsx")


# ---- create / edit ---------------------------------------------------------------------------


def _entering_for_others(user) -> bool:
    return user.is_staff_role and user.deputy_profile is None


@role_required(*OWNER_ROLES)
def item_create(request):
    if request.user.deputy_profile is None and not request.user.is_staff_role:
        raise PermissionDenied
    on_behalf = _entering_for_others(request.user)
    form = forms.ItemForm(request.POST or None, request.FILES or None, user=request.user, deputy_choice=on_behalf)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        deputy = data["deputy"] if on_behalf else request.user.deputy_profile
        try:
            item = workflow.item_create(actor=request.user, deputy=deputy, data=data, files=data["files"],
                                        co_deputies=data.get("co_deputies") or (), submit=False)
            if "submit" in request.POST:
                item = workflow.item_submit(item=item, actor=request.user)
                messages.success(request, _("已提交,编号 %(n)s。") % {"n": item.number})
            else:
                messages.success(request, _("草稿已保存。"))
        except workflow.NotAllowed as exc:
            return _refused(request, exc.message)
        except workflow.WorkflowError as exc:
            messages.warning(request, _("草稿已保存,但未能提交:%(m)s") % {"m": exc.message})
            return redirect("petitions:edit", pk=item.pk)
        return redirect(item)
    return render(request, "petitions/form.html", {"form": form, "on_behalf": on_behalf})


@role_required(*OWNER_ROLES)
def item_edit(request, pk):
    item = get_object_or_404(Item.objects.visible_to(request.user), pk=pk)
    if Action.EDIT not in workflow.allowed_actions(request.user, item):
        if item.state not in (State.DRAFT, State.RETURNED):
            messages.error(request, _("该事项已提交,不能再修改。"))
            return redirect(item)
        raise PermissionDenied
    form = forms.ItemForm(request.POST or None, request.FILES or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
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
    return render(request, "petitions/form.html", {"form": form, "item": item})


# ---- the item page ---------------------------------------------------------------------------


@login_required
def item_detail(request, pk):
    item = selectors.item_detail(request.user, pk)
    events = (ItemEvent.objects.filter(item=item).select_related("actor", "actor_unit")
              .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id"))))
    assignments = Assignment.objects.filter(item=item).select_related("unit").order_by("-round", "role", "id")
    requests_ = HandlingRequest.objects.filter(item=item, status=RequestStatus.PENDING).select_related(
        "assignment__unit", "requested_by")
    allowed = workflow.allowed_actions(request.user, item)
    co_deputies = list(item.co_deputies.all())
    merged_items = list(item.merged_items.all()) if item.pk else []
    context = {
        "item": item, "events": events, "assignments": assignments, "pending_requests": requests_,
        "allowed": allowed, "co_deputies": co_deputies, "merged_items": merged_items,
        "item_attachments": Attachment.objects.filter(item=item, event__action__in=[Action.CREATE, Action.EDIT]),
        "today": timezone.localdate(), "Action": {a.name: a.value for a in Action},
        "forms": _action_forms(allowed, item),
        "is_overdue": item.is_overdue(),
    }
    return render(request, "petitions/detail.html", context)


def _action_forms(allowed, item):
    out = {}
    if Action.ASSIGN in allowed:
        out["assign"] = forms.AssignForm(initial={"due_date": forms.default_due()})
    if Action.EVALUATE in allowed:
        out["evaluate"] = forms.EvaluateForm()
    if Action.REQUEST_EXTENSION in allowed:
        out["extension"] = forms.ExtensionRequestForm()
    if Action.SUBMIT_RESULT in allowed or Action.SUBMIT_PART in allowed:
        out["result"] = forms.ResultForm()
    if Action.PROGRESS in allowed:
        out["progress"] = forms.ProgressForm()
    if Action.ANSWER_DIRECTLY in allowed:
        out["answer"] = forms.ReplyForm()
    if Action.MERGE in allowed:
        out["merge"] = forms.MergeForm()
    return out


# ---- actions (POST only) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """A POST endpoint for one workflow action: who may use it (role, else 403), its form and call."""

    roles: tuple
    form: type | None
    run: object
    done: str
    form_kwargs: dict = field(default_factory=dict)


def _merge(user, item, d):
    into = Item.objects.visible_to(user).filter(pk=d["into"]).first()
    if into is None:
        raise workflow.WorkflowError(_("找不到要并入的事项。"))
    return workflow.item_merge(item=item, actor=user, into=into, comment=d["comment"])


def _decide(kind):
    fn = workflow.item_decide_extension if kind == "extension" else workflow.item_decide_return

    def run(user, item, d):
        kwargs = {"days": d.get("days")} if kind == "extension" else {}
        return fn(item=item, actor=user, request=d["request"], approve=d["approve"], comment=d["comment"], **kwargs)

    return run


ACTIONS: dict[str, ActionSpec] = {
    "submit": ActionSpec(OWNER_ROLES, None, lambda u, i, d: workflow.item_submit(item=i, actor=u),
                         gettext_lazy("已提交。")),
    "withdraw": ActionSpec(OWNER_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_withdraw(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已撤回。"), {"required": False}),
    "start_research": ActionSpec(STAFF_ROLES, None, lambda u, i, d: workflow.item_start_research(item=i, actor=u),
                                 gettext_lazy("已开始研处。")),
    "return_for_detail": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_return_for_detail(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已退回代表补充。")),
    "merge": ActionSpec(STAFF_ROLES, forms.MergeForm, _merge, gettext_lazy("已合并。")),
    "answer": ActionSpec(STAFF_ROLES, forms.ReplyForm, lambda u, i, d: workflow.item_answer_directly(
        item=i, actor=u, reply=d["reply"], files=d["files"]), gettext_lazy("已直接答复,等待代表评价。")),
    "reject": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_reject(
        item=i, actor=u, reason=d["comment"]), gettext_lazy("已不予受理并办结。")),
    "assign": ActionSpec(STAFF_ROLES, forms.AssignForm, lambda u, i, d: workflow.item_assign(
        item=i, actor=u, lead_unit=d["lead_unit"], co_units=d["co_units"], due_date=d["due_date"],
        comment=d["comment"]), gettext_lazy("已交办。")),
    "recall": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_recall(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已撤回交办,回到研处。")),
    "progress": ActionSpec(UNIT_ROLES, forms.ProgressForm, lambda u, i, d: workflow.item_add_progress(
        item=i, actor=u, comment=d["comment"], files=d["files"]), gettext_lazy("已记录办理进展。")),
    "request_return": ActionSpec(UNIT_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_request_return(
        item=i, actor=u, reason=d["comment"]), gettext_lazy("退回申请已提交,等待审批。")),
    "decide_return": ActionSpec(STAFF_ROLES, forms.DecideForm, _decide("return"), gettext_lazy("已审批退回申请。")),
    "request_extension": ActionSpec(UNIT_ROLES, forms.ExtensionRequestForm, lambda u, i, d:
                                    workflow.item_request_extension(item=i, actor=u, days=d["days"],
                                                                    reason=d["reason"]),
                                    gettext_lazy("延期申请已提交,等待审批。")),
    "decide_extension": ActionSpec(STAFF_ROLES, forms.DecideForm, _decide("extension"),
                                   gettext_lazy("已审批延期申请。")),
    "submit_result": ActionSpec(UNIT_ROLES, forms.ResultForm, lambda u, i, d: workflow.item_submit_result(
        item=i, actor=u, result=d["result"], files=d["files"]), gettext_lazy("办理结果已提交。")),
    "review": ActionSpec(STAFF_ROLES, forms.ReviewForm, lambda u, i, d: workflow.item_review_reply(
        item=i, actor=u, approve=d["approve"], comment=d["comment"]), gettext_lazy("审核完成。")),
    "evaluate": ActionSpec(OWNER_ROLES, forms.EvaluateForm, lambda u, i, d: workflow.item_evaluate(
        item=i, actor=u, satisfaction=d["satisfaction"], comment=d["comment"], due_date=d.get("due_date")),
        gettext_lazy("评价已提交,谢谢。")),
    "deem_satisfied": ActionSpec(STAFF_ROLES, None, lambda u, i, d: workflow.item_deem_satisfied(item=i, actor=u),
                                 gettext_lazy("已按逾期未评价视为满意办结。")),
    "close_supervised": ActionSpec(STAFF_ROLES, forms.CommentForm, lambda u, i, d: workflow.item_close_supervised(
        item=i, actor=u, comment=d["comment"]), gettext_lazy("已督办办结。")),
}


@require_POST
@login_required
def item_action(request, pk, action):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    if not request.user.has_role(*spec.roles):
        raise PermissionDenied
    item = get_object_or_404(Item.objects.visible_to(request.user), pk=pk)
    data = {}
    if spec.form is not None:
        form = spec.form(request.POST, request.FILES, **spec.form_kwargs)
        if not form.is_valid():
            errors = [str(e) for errs in form.errors.values() for e in errs]
            messages.error(request, _("未能办理:%(e)s") % {"e": ";".join(errors)})
            return redirect(item)
        data = form.cleaned_data
    try:
        spec.run(request.user, item, data)
    except workflow.NotAllowed as exc:
        return _refused(request, exc.message)
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(item)
    messages.success(request, str(spec.done))
    return redirect(item)


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
    return render(request, "petitions/bulk_assign.html", {"form": form, "candidates": candidates[:200]})


# ---- files and settings ----------------------------------------------------------------------


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(item__in=Item.objects.visible_to(request.user)), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    response = FileResponse(handle, as_attachment=not inline, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


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
    year = timezone.localdate().year
    return render(request, "petitions/settings.html", {
        "form": form, "settings_obj": obj, "unknown_years": unknown_years([year, year + 1])})

