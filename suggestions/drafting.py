"""Pages to draft a suggestion (提出建议) and edit a draft: a deputy on a phone, or district staff
entering a paper suggestion for a deputy (lead deputy picked, paper co-signatures recorded). Every write
goes through suggestions.services; the co-signer picker is the deputy picker shared with petitions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from petitions import selectors as picker
from petitions.forms import CoSignerSearchForm

from . import services
from .choices import Action, State
from .draft_forms import DraftForm, deputy_pool, open_sessions
from .models import Category, Suggestion


def _staff_entry(user) -> bool:
    """District staff without a deputy profile enter suggestions for deputies (paper submissions)."""
    return services._is_district_staff(user) and user.deputy_profile is None


def _may_draft(user) -> bool:
    return not user.is_read_only and (user.deputy_profile is not None or services._is_district_staff(user))


def _render(request, form, suggestion=None, status=200):
    context = {"form": form, "s": suggestion, "staff": form.staff,
               "co_chosen": form.picked("co_deputies"),
               "paper_chosen": {d.pk for d in form.picked("paper_signed")} if form.staff else set(),
               "lead_chosen": (form.picked("lead_deputy") if form.staff and suggestion is None else []),
               "category_groups": Category.objects.filter(parent__isnull=True).prefetch_related("children"),
               "files_dropped": bool(request.FILES) and form.is_bound and not form.is_valid()}
    return render(request, "suggestions/draft_form.html", context, status=status)


def _after_save(request, s, form):
    """Paper co-signatures (staff), then submit when asked; messages; where to go."""
    for deputy in form.cleaned_data.get("paper_signed") or ():
        row = s.cosigners.filter(deputy=deputy, confirmed_at__isnull=True).first()
        if row is not None:
            services.suggestion_cosign(suggestion=s, actor=request.user, deputy=deputy, on_paper=True)
    if "submit" in request.POST:
        try:
            s = services.suggestion_submit(suggestion=s, actor=request.user)
        except services.LoopError as exc:
            messages.warning(request, _("草稿已保存,但未能提交:%(m)s") % {"m": exc.message})
            return redirect("suggestions:edit", pk=s.pk)
        messages.success(request, _("建议已提交。"))
    else:
        messages.success(request, _("草稿已保存。"))
    return redirect("suggestions:detail", pk=s.pk)


@login_required
def suggestion_new(request):
    user = request.user
    if not _may_draft(user):
        raise PermissionDenied
    staff = _staff_entry(user)
    form = DraftForm(request.POST or None, request.FILES or None, user=user, staff=staff)
    if "find_co_deputy" in request.POST:  # the no-JavaScript 添加 button: resolve the name, save nothing
        form.is_valid()
        return _render(request, form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s = services.suggestion_create(
                actor=user, session=data["session"],
                lead_deputy=data["lead_deputy"] if staff else user.deputy_profile,
                data=form.data_for_service(), co_deputies=data.get("co_deputies") or (), files=data["files"],
                submission_token=data.get("submission_token"))
        except services.DuplicateSubmission as exc:
            messages.info(request, exc.message)
            return redirect("suggestions:detail", pk=exc.suggestion.pk)
        except services.LoopError as exc:
            messages.error(request, exc.message)
            return _render(request, form, status=400)
        return _after_save(request, s, form)
    if request.method == "POST":
        messages.error(request, _("未能保存:请更正标红的项目,已填写的内容都保留在下面。"))
    if not open_sessions().exists() and request.method == "GET":
        messages.warning(request, _("目前没有接收建议的会议。"))
    return _render(request, form, status=400 if request.method == "POST" else 200)


@login_required
def suggestion_edit(request, pk: int):
    user = request.user
    s = get_object_or_404(Suggestion.objects.visible_to(user).select_related("session", "category", "lead_deputy"),
                          pk=pk)
    if Action.EDIT not in services.suggestion_actions(user, s):
        if s.state != State.DRAFT:
            messages.error(request, _("这件建议已提交,不能再修改。"))
            return redirect("suggestions:detail", pk=s.pk)
        raise PermissionDenied
    staff = _staff_entry(user)
    form = DraftForm(request.POST or None, request.FILES or None, user=user, staff=staff, instance=s)
    if "find_co_deputy" in request.POST:
        form.is_valid()
        return _render(request, form, s)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s = services.suggestion_edit(suggestion=s, actor=user, data=form.data_for_service(),
                                         co_deputies=data.get("co_deputies") or [], files=data["files"])
        except services.LoopError as exc:
            messages.error(request, exc.message)
            return _render(request, form, s, status=400)
        return _after_save(request, s, form)
    if request.method == "POST":
        messages.error(request, _("未能保存:请更正标红的项目,已填写的内容都保留在下面。"))
    return _render(request, form, s, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def deputy_search(request):
    """The picker's choices for a suggestion: in-office deputies of the chosen session's level matching
    the typed name (the petitions fragment), leaving out those already chosen and the lead deputy."""
    if not _may_draft(request.user):
        raise PermissionDenied
    form = CoSignerSearchForm(request.GET)
    text = request.GET.get("co_deputy_name", "") or request.GET.get("lead_deputy_name", "")
    pick = {"text": text.replace("\x00", "")[:100], "candidates": [], "error": ""}
    session = open_sessions().filter(pk=int(request.GET["session"])).first() if request.GET.get(
        "session", "").isdigit() else None
    if form.is_valid():
        exclude = list(form.cleaned_data["co_deputies"])
        lead = request.GET.get("lead_deputy", "")
        if lead.isdigit():
            exclude.append(int(lead))
        if request.user.deputy_profile is not None:
            exclude.append(request.user.deputy_profile.pk)
        pick["text"] = pick["text"].strip()[:30]
        found = picker.co_signer_candidates(request.user, pick["text"], exclude=exclude, pool=deputy_pool(session))
        pick["candidates"], pick["more"] = found[:picker.CO_SIGNER_LIMIT], len(found) > picker.CO_SIGNER_LIMIT
    else:
        pick["error"] = next(iter(form.errors.values()))[0]
    return HttpResponse(render_to_string("petitions/_co_deputy_choices.html", {"pick": pick}, request).strip())
