"""Pages of points (履职积分): thin views — scope through visible_to, validate, call a service."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import downloads
from core.access import role_required
from core.loops import LoopError, NotAllowed, allowed_actions
from core.loops.views import ActionSpec, action_forms, action_view

from . import selectors, services
from .choices import CLAIM_TRANSITIONS, CORRECTION_TRANSITIONS, ClaimAction, CorrectionAction
from .forms import AcceptForm, AnswerRefuseForm, ClaimForm, ComputeForm, CorrectionForm, RefuseForm, ReviewForm
from .models import (
    DEPUTY_ROLES,
    PUBLISH_ROLES,
    READ_ROLES,
    REVIEW_ROLES,
    Claim,
    ClaimEvent,
    Correction,
    CorrectionEvent,
    Evidence,
    Line,
    Snapshot,
    Total,
)

PAGE_SIZE = 50
GROUPS_PAGE = 30
STAFF_READ = (*REVIEW_ROLES, "leader")


def _refused(request, message):
    raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------
# Quarters


@role_required(*READ_ROLES)
@require_GET
def home(request):
    """履职积分: staff and leaders see the quarters and what waits for review; a deputy their own points."""
    user = request.user
    if not user.has_role(*STAFF_READ):
        return redirect("points:mine")
    may_review = user.has_role(*REVIEW_ROLES) and not user.is_read_only
    return render(request, "points/home.html", {
        "snapshots": Snapshot.objects.visible_to(user)[:24],
        "compute_form": ComputeForm() if user.has_role(*PUBLISH_ROLES) else None,
        "claims": selectors.pending_claims(user)[:50] if may_review else [],
        "corrections": selectors.pending_corrections(user)[:50] if may_review else [],
        "may_review": may_review,
    })


def _post(request, run, done, back):
    try:
        obj = run()
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except LoopError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done)
    return redirect(obj)


@role_required(*PUBLISH_ROLES)
@require_POST
def compute(request):
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择正确的年度和季度。"))
        return redirect("points:home")
    data = form.cleaned_data
    return _post(request, lambda: services.snapshot_compute(year=data["year"], quarter=data["quarter"], actor=request.user),
                 _("已计算%(y)s年第%(q)s季度积分。") % {"y": data["year"], "q": data["quarter"]}, "points:home")


@role_required(*PUBLISH_ROLES)
@require_POST
def publish(request, pk):
    snapshot = get_object_or_404(Snapshot.objects.visible_to(request.user), pk=pk)
    return _post(request, lambda: services.snapshot_publish(snapshot=snapshot, actor=request.user),
                 _("已发布,代表可查看本季度积分并在期限内申请更正。"), snapshot)


@role_required(*STAFF_READ)
@require_GET
def snapshot_detail(request, pk):
    """A quarter's totals in the user's scope, best first, with each deputy's breakdown a click away."""
    snapshot = get_object_or_404(Snapshot.objects.visible_to(request.user), pk=pk)
    totals = Total.objects.visible_to(request.user).filter(snapshot=snapshot).select_related("area")
    q = (request.GET.get("q") or "").strip()[:30]
    if q:
        totals = totals.filter(Q(deputy_name__contains=q) | Q(group_name__contains=q))
    page = Paginator(totals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "points/snapshot.html", {"snapshot": snapshot, "page_obj": page, "q": q,
                                                    "may_publish": request.user.has_role(*PUBLISH_ROLES)
                                                    and not snapshot.is_published})


def _render_breakdown(request, total, *, own=False, correction_form=None, status=200):
    snapshot = total.snapshot
    window_open = (own and snapshot.is_published and snapshot.correction_due is not None
                   and timezone.localdate() <= snapshot.correction_due)
    context = {"snapshot": snapshot, "total": total, "lines": selectors.breakdown(snapshot, total.deputy_id),
               "own": own, "window_open": window_open}
    if own:
        deputy = request.user.deputy_profile
        context.update({
            "published": Snapshot.objects.visible_to(request.user).filter(status="published"),
            "claims": Claim.objects.filter(deputy=deputy).select_related("rule")[:20],
            "corrections": Correction.objects.filter(deputy=deputy).select_related("snapshot", "line")[:20],
            "correction_form": correction_form or (CorrectionForm(lines=Line.objects.filter(
                snapshot=snapshot, deputy=deputy, correction__isnull=True)) if window_open else None),
        })
    return render(request, "points/breakdown.html", context, status=status)


@role_required(*READ_ROLES)
@require_GET
def breakdown(request, pk, deputy_id):
    total = get_object_or_404(Total.objects.visible_to(request.user).select_related("snapshot", "area"),
                              snapshot_id=pk, deputy_id=deputy_id)
    own = request.user.deputy_profile is not None and request.user.deputy_profile.pk == total.deputy_id
    return _render_breakdown(request, total, own=own)


@role_required(*DEPUTY_ROLES)
@require_GET
def mine(request):
    """我的积分: the deputy's latest published quarter (or the one chosen), line by line."""
    deputy = request.user.deputy_profile
    if deputy is None:
        raise PermissionDenied
    published = Snapshot.objects.visible_to(request.user).filter(status="published")
    chosen = request.GET.get("s")
    snapshot = published.filter(pk=int(chosen)).first() if chosen and chosen.isdigit() else published.first()
    total = Total.objects.filter(snapshot=snapshot, deputy=deputy).select_related("snapshot", "area").first() \
        if snapshot else None
    if total is None:
        return render(request, "points/breakdown.html", {"own": True, "total": None, "published": published,
                                                         "claims": Claim.objects.filter(deputy=deputy)
                                                         .select_related("rule")[:20],
                                                         "corrections": Correction.objects.filter(deputy=deputy)
                                                         .select_related("snapshot", "line")[:20]})
    return _render_breakdown(request, total, own=True)


@role_required(*READ_ROLES)
@require_GET
def ranking(request, pk):
    """The published ranking by group: the groups by average, GROUPS_PAGE to a page (the chosen group
    pinned above when it is on another page), and one group's members in order."""
    snapshot = get_object_or_404(Snapshot.objects.visible_to(request.user), pk=pk)
    groups = selectors.ranked_groups(snapshot)
    chosen = request.GET.get("group", "")
    if not chosen and request.user.deputy_profile is not None:
        mine = Total.objects.filter(snapshot=snapshot, deputy=request.user.deputy_profile).values_list("group_id",
                                                                                                       flat=True).first()
        chosen = str(mine or "")
    group_id = int(chosen) if chosen.isdigit() else (groups[0]["group_id"] if groups else None)
    current = next((g for g in groups if g["group_id"] == group_id), None)
    if current is None:
        group_id = None
    page = Paginator(groups, GROUPS_PAGE).get_page(request.GET.get("page") or (
        groups.index(current) // GROUPS_PAGE + 1 if current is not None and "page" not in request.GET else 1))
    members = selectors.group_members(snapshot, group_id) if group_id else []
    return render(request, "points/ranking.html", {
        "snapshot": snapshot, "page_obj": page, "group_count": len(groups), "group_id": group_id,
        "current": current, "members": members})


# ---------------------------------------------------------------------------------------------
# 自行申报


@role_required(*DEPUTY_ROLES)
@require_http_methods(["GET", "POST"])
def claim_new(request):
    if request.user.deputy_profile is None:
        raise PermissionDenied
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            claim = services.claim_submit(actor=request.user, rule=d["rule"], date=d["date"],
                                          description=d["description"], files=d["files"])
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交,等待所在街道/镇人大工作人员审核。"))
            return redirect(claim)
    elif request.method == "POST":
        messages.error(request, _("未能提交,请按提示修改。"))
    return render(request, "points/claim_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _get_claim(request, pk):
    return get_object_or_404(Claim.objects.visible_to(request.user).select_related("deputy", "rule", "area"), pk=pk)


CLAIM_ACTIONS = {
    "approve": ActionSpec(roles=REVIEW_ROLES, form=ReviewForm, shows=(ClaimAction.APPROVE,),
                          run=lambda user, c, d: services.claim_approve(claim=c, actor=user, reason=d["reason"]),
                          done=gettext_lazy("已审核通过,计入该季度积分。")),
    "refuse": ActionSpec(roles=REVIEW_ROLES, form=RefuseForm, shows=(ClaimAction.REFUSE,),
                         run=lambda user, c, d: services.claim_refuse(claim=c, actor=user, reason=d["reason"]),
                         done=gettext_lazy("已不予通过,理由会告知代表。")),
}


@role_required(*READ_ROLES)
@require_GET
def claim_detail(request, pk):
    return _render_review(request, "claim", _get_claim(request, pk))


@role_required(*REVIEW_ROLES)
@require_POST
def claim_action(request, pk, action):
    return _review_action(request, "claim", action, lambda req: _get_claim(req, pk))


# ---------------------------------------------------------------------------------------------
# 申请更正


@role_required(*DEPUTY_ROLES)
@require_POST
def correction_new(request, pk):
    deputy = request.user.deputy_profile
    if deputy is None:
        raise PermissionDenied
    total = get_object_or_404(Total.objects.visible_to(request.user).select_related("snapshot", "area"),
                              snapshot_id=pk, deputy=deputy)
    lines = Line.objects.filter(snapshot_id=pk, deputy=deputy, correction__isnull=True)
    form = CorrectionForm(request.POST, request.FILES, lines=lines)
    if form.is_valid():
        d = form.cleaned_data
        try:
            correction = services.correction_request(actor=request.user, snapshot=total.snapshot, line=d["line"],
                                                     missing=d["missing"], reason=d["reason"], files=d["files"])
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交更正申请,处理结果会通知您。"))
            return redirect(correction)
    else:
        messages.error(request, _("未能提交,请按提示修改。"))
    return _render_breakdown(request, total, own=True, correction_form=form, status=400)


def _get_correction(request, pk):
    return get_object_or_404(Correction.objects.visible_to(request.user)
                             .select_related("deputy", "snapshot", "line", "applied_in"), pk=pk)


CORRECTION_ACTIONS = {
    "accept": ActionSpec(roles=REVIEW_ROLES, form=AcceptForm, shows=(CorrectionAction.ACCEPT,),
                         initial=lambda c: {"delta": -c.line.points if c.line_id and c.line.points else None},
                         run=lambda user, c, d: services.correction_accept(correction=c, actor=user, delta=d["delta"],
                                                                           answer=d["answer"]),
                         done=gettext_lazy("已同意更正,计入下一季度积分(标“更正”)。")),
    "refuse": ActionSpec(roles=REVIEW_ROLES, form=AnswerRefuseForm, shows=(CorrectionAction.REFUSE,),
                         run=lambda user, c, d: services.correction_refuse(correction=c, actor=user, answer=d["answer"]),
                         done=gettext_lazy("已不予更正,理由会告知代表。")),
}


@role_required(*READ_ROLES)
@require_GET
def correction_detail(request, pk):
    return _render_review(request, "correction", _get_correction(request, pk))


@role_required(*REVIEW_ROLES)
@require_POST
def correction_action(request, pk, action):
    return _review_action(request, "correction", action, lambda req: _get_correction(req, pk))


# ---------------------------------------------------------------------------------------------
# The two reviewed loops' pages: a self-report and a correction request, each with its evidence, its
# timeline and the reviewer's forms.


@dataclass(frozen=True)
class Review:
    table: dict
    actions: dict
    events: type
    template: str


REVIEWS = {"claim": Review(CLAIM_TRANSITIONS, CLAIM_ACTIONS, ClaimEvent, "points/claim.html"),
           "correction": Review(CORRECTION_TRANSITIONS, CORRECTION_ACTIONS, CorrectionEvent, "points/correction.html")}


def _render_review(request, kind, obj, bound=None, status=200):
    review = REVIEWS[kind]
    allowed = set() if request.user.is_read_only else allowed_actions(
        review.table, obj.state, services.staff_kinds(request.user, obj))
    return render(request, review.template, {
        kind: obj, "files": obj.files.all(), "allowed": allowed,
        "events": review.events.objects.filter(**{kind: obj}).select_related("actor"),
        "forms": action_forms(review.actions, request.user, obj, allowed, bound)}, status=status)


def _review_action(request, kind, action, get_object):
    return action_view(request, actions=REVIEWS[kind].actions, action=action, get_object=get_object,
                       rerender=lambda req, obj, act, form: _render_review(req, kind, obj, (act, form), status=400),
                       refused=_refused)


@login_required
@require_GET
def evidence(request, pk):
    """An evidence file, to those who may read its self-report or correction."""
    user = request.user
    item = get_object_or_404(Evidence.objects.filter(
        Q(claim__in=Claim.objects.visible_to(user)) | Q(correction__in=Correction.objects.visible_to(user))), pk=pk)
    return downloads.stored_file(item.file, filename=item.name, content_type=item.content_type)
