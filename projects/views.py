"""Pages of livelihood projects by deputy vote (民生实事项目票决): the staff's rounds (list, create, detail
with the loop's action forms, the printable result notice), the deputy's phone voting page, the passed
projects (list, detail, the unit's progress form) and the public progress page (no login, opaque token,
rate-limited, nothing personal).

Views are thin: scope through `visible_to` (404 outside it), role (403), form, service, message,
redirect. Nobody sees the tally of an open vote: counts are computed only by `round_close`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from core import downloads
from core.access import role_required
from core.loops import LoopError, NotAllowed
from core.loops.views import ActionSpec, action_forms, action_view
from suggestions.public import over_limit

from . import services
from .choices import (
    Actor,
    GroupRole,
    IssueAction,
    IssueState,
    Outcome,
    ProjectAction,
    ProjectState,
    RoundAction,
    RoundState,
    VoteMethod,
)
from .forms import (
    AcceptForm,
    BoxForm,
    CandidateForm,
    CompleteForm,
    GroupForm,
    IdeaForm,
    IdeaMergeForm,
    IdeaTagForm,
    InspectionForm,
    IssueConfirmForm,
    IssueFixForm,
    IssueForm,
    IssueReopenForm,
    MilestoneChangeForm,
    MilestoneDoneForm,
    MilestoneForm,
    ProgressForm,
    PublishPhotosForm,
    RateForm,
    RoundForm,
    SignOffForm,
    TallyForm,
    VoteForm,
)
from .models import (
    Ballot,
    BallotBox,
    InspectionPhoto,
    Issue,
    Milestone,
    ProgressPhoto,
    Project,
    ProjectFollow,
    ProjectRating,
    VoteRound,
)
from .selectors import (
    idea_summary,
    issues_for,
    project_figures,
    project_supervision,
    projects_for,
    public_candidates,
    round_figures,
    rounds_for,
)

STAFF = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF)
PRESIDIUM = (Role.ADMIN, Role.AREA_STAFF)
DEPUTIES = (Role.DEPUTY, Role.GROUP_LEADER)
ROUND_ROLES = frozenset({*STAFF, Role.LEADER, *DEPUTIES})
PROJECT_ROLES = frozenset({*ROUND_ROLES, Role.UNIT})


def _refused(request, message):
    raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------
# Rounds (staff)


@role_required(*ROUND_ROLES)
@require_GET
def round_list(request):
    rounds = list(rounds_for(request.user))
    can_create = request.user.has_role(*STAFF)
    return render(request, "projects/round_list.html", {"rounds": rounds, "can_create": can_create})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def round_new(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = services.round_create(actor=request.user, **form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已建立%(r)s。") % {"r": rnd})
            return redirect(rnd)
    elif request.method == "POST":
        messages.error(request, _("未能保存,请按下面的提示修改后重新提交。"))
    return render(request, "projects/round_form.html", {"form": form})


def _get_round(request, pk=None):
    pk = pk if pk is not None else request.resolver_match.kwargs["pk"]
    return get_object_or_404(VoteRound.objects.visible_to(request.user).select_related("electorate__area"), pk=pk)


def _box(rnd, data) -> BallotBox:
    box = rnd.boxes.filter(pk=data.get("box")).first()
    if box is None:
        raise LoopError(_("票箱不存在。"))
    return box


ROUND_ACTIONS = {
    RoundAction.ADD_IDEA: ActionSpec(
        roles=STAFF, form=IdeaForm, shows=(RoundAction.ADD_IDEA,), form_args=lambda u, r: {"user": u},
        run=lambda u, r, d: services.idea_add(round=r, actor=u, **d),
        done=lambda idea: _("已登记征集意见,回执号 %(n)s。") % {"n": idea.receipt_number}),
    RoundAction.ADD_CANDIDATE: ActionSpec(
        roles=STAFF, form=CandidateForm, shows=(RoundAction.ADD_CANDIDATE,), form_args=lambda u, r: {"round": r},
        run=lambda u, r, d: services.candidate_add(round=r, actor=u, ideas=d.pop("ideas"), data=d),
        done=_("已录入候选项目。")),
    RoundAction.CONFIRM_CANDIDATES: ActionSpec(
        roles=PRESIDIUM, form=None, run=lambda u, r, d: services.round_confirm_candidates(round=r, actor=u),
        done=_("候选项目已确认。")),
    RoundAction.OPEN_VOTE: ActionSpec(
        roles=PRESIDIUM, form=None, run=lambda u, r, d: services.round_open(round=r, actor=u), done=_("投票已开始。")),
    RoundAction.ADD_BOX: ActionSpec(
        roles=PRESIDIUM, form=BoxForm, shows=(RoundAction.ADD_BOX,),
        run=lambda u, r, d: services.box_add(round=r, actor=u, **d), done=_("已设立票箱。")),
    RoundAction.ENTER_TALLY: ActionSpec(
        roles=PRESIDIUM, form=TallyForm, form_args=lambda u, r: {"round": r},
        auto_id=lambda post: f"id_tally{post.get('box', '')}_%s",
        run=lambda u, r, d: services.tally_enter(box=_box(r, d), actor=u, ballots_issued=d["ballots_issued"],
                                                 ballots_returned=d["ballots_returned"],
                                                 counts={k: v for k, v in _counts(r, d).items()}),
        done=_("计票结果已保存。")),
    RoundAction.SIGN_OFF: ActionSpec(
        roles=PRESIDIUM, form=SignOffForm, auto_id=lambda post: f"id_sign{post.get('box', '')}_%s",
        run=lambda u, r, d: services.box_sign_off(box=_box(r, d), actor=u, scrutineer=d["scrutineer"]),
        done=_("监票人已签字确认。")),
    RoundAction.CLOSE_VOTE: ActionSpec(
        roles=PRESIDIUM, form=None, run=lambda u, r, d: services.round_close(round=r, actor=u),
        done=_("投票已结束,票决结果已产生。")),
    RoundAction.TAG_IDEA: ActionSpec(
        roles=STAFF, form=IdeaTagForm, shows=(RoundAction.TAG_IDEA,), form_args=lambda u, r: {"round": r},
        run=lambda u, r, d: services.idea_tag(idea=d["idea"], actor=u, tags=d["tags"]),
        done=lambda idea: _("已更新 %(n)s 的标签。") % {"n": idea.receipt_number}),
    RoundAction.MERGE_IDEA: ActionSpec(
        roles=STAFF, form=IdeaMergeForm, shows=(RoundAction.MERGE_IDEA,), form_args=lambda u, r: {"round": r},
        run=lambda u, r, d: services.idea_merge(idea=d["idea"], into=d["into"], actor=u),
        done=lambda idea: _("%(a)s 已并入 %(b)s。") % {"a": idea.receipt_number, "b": idea.merged_into.receipt_number}),
}


def _counts(rnd, data) -> dict:
    return {c.pk: (data[f"c{c.pk}_yes"], data[f"c{c.pk}_no"], data[f"c{c.pk}_abstain"]) for c in rnd.candidates.all()}


def _cards(forms: dict, url_name: str, pk: int) -> list[tuple]:
    """(action, form, the action's POST url) for each form on the page."""
    return [(name, form, reverse(url_name, args=[pk, name])) for name, form in forms.items()]


def _labelled(events, actions):
    """Each event with the Chinese label of its action (the row keeps the code)."""
    out = []
    for e in events:
        e.label = actions(e.action).label if e.action in actions.values else e.action
        out.append(e)
    return out


def round_context(request, rnd, bound=None) -> dict:
    user = request.user
    allowed = services.round_actions(user, rnd)
    kinds = services.round_actor_kinds(user, rnd)
    closed = rnd.state == RoundState.CLOSED
    boxes = []
    if rnd.method == VoteMethod.PAPER and Actor.STAFF in kinds | ({Actor.STAFF} if user.is_district_wide else set()):
        for box in rnd.boxes.prefetch_related("tallies").select_related("signed_off_by"):
            tally = sign = None
            if RoundAction.ENTER_TALLY in allowed and box.signed_off_at is None:
                tally = TallyForm(round=rnd, box=box, auto_id=f"id_tally{box.pk}_%s")
                sign = SignOffForm(initial={"box": box.pk}, auto_id=f"id_sign{box.pk}_%s")
                if bound and bound[1] is not None and str(bound[1].data.get("box")) == str(box.pk):
                    if bound[0] == RoundAction.ENTER_TALLY:
                        tally = bound[1]
                    elif bound[0] == RoundAction.SIGN_OFF:
                        sign = bound[1]
            boxes.append({"box": box, "tally": tally, "sign": sign})
    return {
        "r": rnd, "allowed": allowed, "kinds": kinds, "closed": closed,
        "forms": _cards(action_forms(ROUND_ACTIONS, user, rnd, allowed, bound), "projects:round_action", rnd.pk),
        "ideas": rnd.ideas.select_related("item", "merged_into").order_by("receipt"),
        "candidates": rnd.candidates.select_related("unit").prefetch_related("ideas").order_by(
            *(["rank", "sort"] if closed else ["sort"]), "id"),
        "boxes": boxes,
        # During an electronic vote only the turnout shows, never a count.
        "turnout": rnd.ballots.count() if rnd.method == VoteMethod.ELECTRONIC else None,
        "in_office_now": rnd.electorate.members().count(),
        "events": _labelled(rnd.events.select_related("actor").order_by("-created_at", "-id")[:50], RoundAction),
        "figures": round_figures(rnd),
        "is_member": Actor.MEMBER in kinds,
        "public_url": request.build_absolute_uri(reverse("projects:public", args=[rnd.public_token])),
    }


@role_required(*ROUND_ROLES)
@require_GET
def round_detail(request, pk: int):
    rnd = _get_round(request, pk)
    return render(request, "projects/round_detail.html", round_context(request, rnd))


def _rerender_round(request, rnd, action, form):
    return render(request, "projects/round_detail.html", round_context(request, rnd, (action, form)))


@login_required
@require_POST
def round_action(request, pk: int, action: str):
    return action_view(request, actions=ROUND_ACTIONS, action=action, get_object=_get_round,
                       rerender=_rerender_round, refused=_refused)


@role_required(*ROUND_ROLES)
@require_GET
def round_notice(request, pk: int):
    """The printable vote result notice (票决结果公告), A4."""
    rnd = _get_round(request, pk)
    if rnd.state != RoundState.CLOSED:
        raise Http404
    candidates = rnd.candidates.select_related("unit").order_by("rank", "sort", "id")
    return render(request, "projects/notice.html", {"r": rnd, "candidates": candidates,
                                                     "won": [c for c in candidates if c.outcome == Outcome.WON]})


# ---------------------------------------------------------------------------------------------
# The deputy's phone voting page


@role_required(*DEPUTIES)
@require_http_methods(["GET", "POST"])
def vote(request, pk: int):
    rnd = _get_round(request, pk)
    deputy = request.user.deputy_profile
    if deputy is None or not rnd.electorate.has_member(deputy):
        raise Http404
    candidates = list(rnd.candidates.select_related("unit").order_by("rank" if rnd.closed_at else "sort", "sort", "id"))
    ballot = Ballot.objects.filter(round=rnd, deputy=deputy).prefetch_related("choices").first()
    mine = {c.candidate_id: c.choice for c in ballot.choices.all()} if ballot else {}
    form = VoteForm(request.POST or None, candidates=candidates,
                    initial={f"c{pk}": v for pk, v in mine.items()})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ballot_cast(round=rnd, actor=request.user, choices=form.choices())
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from None
            except LoopError as exc:
                messages.error(request, exc.message)
                return redirect("projects:vote", pk=rnd.pk)
            messages.success(request, _("您的表决已记录。投票结束前可以修改。"))
            return redirect("projects:vote", pk=rnd.pk)
        messages.error(request, _("请对每一个候选项目选择赞成、反对或弃权。"))
    rows = [(c, form[f"c{c.pk}"], mine.get(c.pk)) for c in candidates]
    return render(request, "projects/vote.html", {"r": rnd, "form": form, "rows": rows, "ballot": ballot,
                                                  "voting": rnd.state == RoundState.VOTING and
                                                  rnd.method == VoteMethod.ELECTRONIC})


# ---------------------------------------------------------------------------------------------
# Projects


@role_required(*PROJECT_ROLES)
@require_GET
def project_list(request):
    """The projects in the user's scope; `?milestones=overdue`: only those with an overdue milestone;
    `?year=YYYY`: of that year's votes (the home panel's numbers link here with their year)."""
    today = timezone.localdate()
    only_late = request.GET.get("milestones") == "overdue"
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and len(year) == 4 else None
    return render(request, "projects/project_list.html", {
        "projects": list(projects_for(request.user, today, milestones_overdue=only_late, year=year)),
        "today": today, "only_late": only_late, "year": year})


ISSUE_LIST_ROLES = (*STAFF, Role.LEADER, Role.UNIT)
ISSUE_PAGE_SIZE = 30
ISSUE_FILTERS = [("", gettext_lazy("全部")), ("pending", gettext_lazy("未销号")), ("overdue", gettext_lazy("逾期")),
                 (IssueState.OPEN, IssueState.OPEN.label), (IssueState.FIXED, IssueState.FIXED.label),
                 (IssueState.CLOSED, IssueState.CLOSED.label)]


@role_required(*ISSUE_LIST_ROLES)
@require_GET
def issue_list(request):
    """问题清单: every issue to fix of the projects in the user's scope — a unit's: of all the projects it
    is responsible for — open first, with its due date and overdue flag; filter by state (and year)."""
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state not in {value for value, _label in ISSUE_FILTERS}:
        state = ""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and len(year) == 4 else None
    page = Paginator(issues_for(request.user, today, state=state, year=year), ISSUE_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "projects/issue_list.html", {
        "page_obj": page, "state": state, "filters": ISSUE_FILTERS, "year": year,
        "year_q": f"&year={year}" if year else ""})


def _photo_response(photo):
    response = downloads.stored_file(photo.file, filename=f"photo-{photo.pk}", content_type=photo.content_type,
                                     inline=True)
    response["Cache-Control"] = "private, no-store"
    return response


PHOTO_MODELS = {"report": ProgressPhoto, "inspection": InspectionPhoto}


@role_required(*PROJECT_ROLES)
@require_GET
def photo(request, kind: str, pk: int):
    """A progress or inspection photo, to those who see the project (404 for anyone else)."""
    model = PHOTO_MODELS.get(kind)
    if model is None:
        raise Http404
    found = get_object_or_404(model.objects.filter(project__in=Project.objects.visible_to(request.user)), pk=pk)
    return _photo_response(found)


def _get_project(request, pk=None):
    pk = pk if pk is not None else request.resolver_match.kwargs["pk"]
    return get_object_or_404(Project.objects.visible_to(request.user).select_related(
        "candidate__round__electorate__area", "candidate__unit"), pk=pk)


PROJECT_ACTIONS = {
    ProjectAction.COMPLETE: ActionSpec(
        roles=(*STAFF, Role.UNIT), form=CompleteForm, shows=(ProjectAction.COMPLETE,),
        initial=lambda p: {"completed_on": timezone.localdate()},
        run=lambda u, p, d: services.project_complete(project=p, actor=u, **d), done=_("项目已完工。")),
    ProjectAction.ACCEPT: ActionSpec(
        roles=STAFF, form=AcceptForm, shows=(ProjectAction.ACCEPT,),
        initial=lambda p: {"accepted_on": timezone.localdate()},
        run=lambda u, p, d: services.project_accept(project=p, actor=u, **d), done=_("项目已验收。")),
    ProjectAction.RATE: ActionSpec(
        roles=DEPUTIES, form=RateForm, shows=(ProjectAction.RATE,),
        run=lambda u, p, d: services.project_rate(project=p, actor=u, **d), done=_("测评意见已记录。")),
    ProjectAction.GRADE: ActionSpec(
        roles=STAFF, form=None, run=lambda u, p, d: services.project_grade(project=p, actor=u),
        done=_("满意度测评等次已评定。")),
    ProjectAction.SET_GROUP: ActionSpec(
        roles=STAFF, form=GroupForm, shows=(ProjectAction.SET_GROUP,), form_args=lambda u, p: {"project": p},
        initial=lambda p: {"leader": next((m.deputy_id for m in p.supervisors.all() if m.role == GroupRole.LEADER),
                                          None),
                           "members": [m.deputy_id for m in p.supervisors.all() if m.role == GroupRole.MEMBER]},
        run=lambda u, p, d: services.supervision_set(project=p, actor=u, leader=d["leader"], members=d["members"]),
        done=_("监督小组已确定。")),
    ProjectAction.INSPECT: ActionSpec(
        roles=DEPUTIES, form=InspectionForm, shows=(ProjectAction.INSPECT,),
        initial=lambda p: {"inspected_on": timezone.localdate()},
        run=lambda u, p, d: services.inspection_record(project=p, actor=u, **d), done=_("视察记录已保存。")),
    ProjectAction.RAISE_ISSUE: ActionSpec(
        roles=DEPUTIES, form=IssueForm, shows=(ProjectAction.RAISE_ISSUE,),
        initial=lambda p: {"owner": p.candidate.unit.name},
        run=lambda u, p, d: services.issue_raise(project=p, actor=u, **d), done=_("整改问题已列入问题清单。")),
    ProjectAction.FOLLOW: ActionSpec(
        roles=DEPUTIES, form=None, run=lambda u, p, d: services.project_follow(project=p, actor=u),
        done=_("已关注该项目,进度更新时会通知您。")),
    "unfollow": ActionSpec(
        roles=DEPUTIES, form=None, run=lambda u, p, d: services.project_follow(project=p, actor=u, follow=False),
        done=_("已取消关注。")),
    ProjectAction.PLAN_MILESTONE: ActionSpec(
        roles=(*STAFF, Role.UNIT), form=MilestoneForm, shows=(ProjectAction.PLAN_MILESTONE,),
        run=lambda u, p, d: services.milestone_add(project=p, actor=u, **d), done=_("节点已加入计划。")),
    # The two per-milestone forms sit on the milestone's row (shows=()), told apart by the milestone id.
    ProjectAction.CHANGE_MILESTONE: ActionSpec(
        roles=(*STAFF, Role.UNIT), form=MilestoneChangeForm, auto_id=lambda post: f"id_msc{post.get('milestone', '')}_%s",
        run=lambda u, p, d: services.milestone_change(milestone=_milestone(p, d), actor=u, name=d["name"],
                                                      planned_on=d["planned_on"], sort=d["sort"], note=d["note"]),
        done=_("节点计划已调整。")),
    ProjectAction.MILESTONE_DONE: ActionSpec(
        roles=(*STAFF, Role.UNIT), form=MilestoneDoneForm, auto_id=lambda post: f"id_msd{post.get('milestone', '')}_%s",
        run=lambda u, p, d: services.milestone_done(milestone=_milestone(p, d), actor=u, done_on=d["done_on"],
                                                    note=d["note"]),
        done=lambda m: _("节点“%(n)s”已完成。") % {"n": m.name}),
    ProjectAction.PUBLISH_PHOTOS: ActionSpec(
        roles=STAFF, form=PublishPhotosForm, shows=(ProjectAction.PUBLISH_PHOTOS,), form_args=lambda u, p: {"project": p},
        initial=lambda p: {"public_photos": list(ProgressPhoto.objects.filter(project=p, is_public=True)
                                                 .values_list("pk", flat=True))},
        run=lambda u, p, d: services.progress_photos_publish(project=p, actor=u, public_photos=d["public_photos"]),
        done=_("公开页显示的照片已更新。")),
}

SUPERVISION_FORMS = (ProjectAction.SET_GROUP, ProjectAction.INSPECT, ProjectAction.RAISE_ISSUE)
PLAN_FORMS = (ProjectAction.PLAN_MILESTONE, ProjectAction.PUBLISH_PHOTOS)


def _milestone(p, data) -> Milestone:
    m = Milestone.objects.filter(project=p, pk=data.get("milestone")).first()
    if m is None:
        raise LoopError(_("节点不存在。"))
    return m


def _milestone_rows(p, allowed, today, bound=None) -> list[dict]:
    """Each milestone with its overdue flag and the forms the user may use on it now (no query per row)."""
    rows = []
    for m in p.milestones.all():
        forms = []
        if m.done_on is None:
            for name, form_class, prefix, initial in (
                    (ProjectAction.MILESTONE_DONE, MilestoneDoneForm, "msd", {"done_on": today}),
                    (ProjectAction.CHANGE_MILESTONE, MilestoneChangeForm, "msc",
                     {"name": m.name, "planned_on": m.planned_on, "sort": m.sort, "note": m.note})):
                if name not in allowed:
                    continue
                form = form_class(initial={"milestone": m.pk, **initial}, auto_id=f"id_{prefix}{m.pk}_%s")
                if bound and bound[0] == name and str(bound[1].data.get("milestone")) == str(m.pk):
                    form = bound[1]
                forms.append((name, ProjectAction(name).label, form,
                              reverse("projects:project_action", args=[p.pk, name])))
        rows.append({"m": m, "overdue": m.is_overdue(today), "forms": forms})
    return rows

ISSUE_ACTIONS = {
    IssueAction.REPORT_FIXED: ActionSpec(
        roles=(Role.UNIT,), form=IssueFixForm, shows=(IssueAction.REPORT_FIXED,),
        run=lambda u, i, d: services.issue_report_fixed(issue=i, actor=u, **d), done=_("已报告整改情况。")),
    IssueAction.CONFIRM: ActionSpec(
        roles=DEPUTIES, form=IssueConfirmForm, shows=(IssueAction.CONFIRM,),
        run=lambda u, i, d: services.issue_confirm(issue=i, actor=u, **d), done=_("问题已销号。")),
    IssueAction.REOPEN: ActionSpec(
        roles=DEPUTIES, form=IssueReopenForm, shows=(IssueAction.REOPEN,),
        run=lambda u, i, d: services.issue_reopen(issue=i, actor=u, **d), done=_("问题已退回重新整改。")),
}


def _issue_rows(request, p, kinds, today, bound=None) -> list[dict]:
    """Each issue with its events and the forms of what the user may do to it now (no query per row)."""
    rows = []
    for issue in p.issues.all():
        allowed = services.issue_actions(issue, kinds, request.user)
        forms = []
        for name, spec in ISSUE_ACTIONS.items():
            if name not in allowed:
                continue
            form = spec.form(auto_id=f"id_issue{issue.pk}_{name}_%s")
            if bound and bound[0] == issue.pk and bound[1] == name:
                form = bound[2]
            forms.append((name, IssueAction(name).label, form, reverse("projects:issue_action", args=[issue.pk, name])))
        rows.append({"issue": issue, "overdue": issue.is_overdue(today), "forms": forms,
                     "events": _labelled(issue.events.all(), IssueAction)})
    return rows


def project_context(request, p, bound=None, issue_bound=None) -> dict:
    kinds = services.project_actor_kinds(request.user, p)
    allowed = services.project_actions(request.user, p, kinds)
    today = timezone.localdate()
    p = project_supervision(p)
    ratings = None
    if p.grade or request.user.is_district_wide or Actor.STAFF in kinds:
        from django.db.models import Count

        ratings = dict(p.ratings.values_list("rating").annotate(n=Count("id")).values_list("rating", "n"))
    mine = None
    if request.user.deputy_profile is not None:
        mine = ProjectRating.objects.filter(project=p, deputy=request.user.deputy_profile).first()
    reports = list(p.reports.all())
    if not any(rep.photos.all() for rep in reports):
        allowed = allowed - {ProjectAction.PUBLISH_PHOTOS}  # nothing to choose from
    cards = _cards(action_forms(PROJECT_ACTIONS, request.user, p, allowed, bound), "projects:project_action", p.pk)
    deputy = request.user.deputy_profile
    return {"p": p, "c": p.candidate, "r": p.candidate.round, "allowed": allowed, "overdue": p.is_overdue(today),
            "forms": [card for card in cards if card[0] not in SUPERVISION_FORMS + PLAN_FORMS],
            "supervision_forms": [card for card in cards if card[0] in SUPERVISION_FORMS],
            "plan_forms": [card for card in cards if card[0] in PLAN_FORMS],
            "milestones": _milestone_rows(p, allowed, today, bound),
            "group": list(p.supervisors.all()), "inspections": list(p.inspections.all()),
            "issues": _issue_rows(request, p, kinds, today, issue_bound),
            "figures": project_figures(p, today),
            "following": deputy is not None and ProjectFollow.objects.filter(project=p, deputy=deputy).exists(),
            "reports": reports,
            "events": _labelled(p.events.select_related("actor").order_by("-created_at", "-id")[:50], ProjectAction),
            "ratings": ratings, "my_rating": mine, "can_report": ProjectAction.REPORT in allowed}


@role_required(*PROJECT_ROLES)
@require_GET
def project_detail(request, pk: int):
    p = _get_project(request, pk)
    return render(request, "projects/project_detail.html", project_context(request, p))


def _rerender_project(request, p, action, form):
    return render(request, "projects/project_detail.html", project_context(request, p, (action, form)))


@login_required
@require_POST
def project_action(request, pk: int, action: str):
    return action_view(request, actions=PROJECT_ACTIONS, action=action, get_object=_get_project,
                       rerender=_rerender_project, refused=_refused)


def _get_issue(request, pk=None):
    pk = pk if pk is not None else request.resolver_match.kwargs["pk"]
    return get_object_or_404(Issue.objects.visible_to(request.user).select_related(
        "project__candidate__round__electorate__area", "project__candidate__unit"), pk=pk)


def _rerender_issue(request, issue, action, form):
    p = _get_project(request, issue.project_id)
    return render(request, "projects/project_detail.html",
                  project_context(request, p, issue_bound=(issue.pk, action, form)))


@login_required
@require_POST
def issue_action(request, pk: int, action: str):
    """The unit's 已整改 and the group's 销号 / 退回 of one issue (问题清单)."""
    return action_view(request, actions=ISSUE_ACTIONS, action=action, get_object=_get_issue,
                       rerender=_rerender_issue, refused=_refused)


@role_required(*STAFF, Role.UNIT)
@require_http_methods(["GET", "POST"])
def project_progress(request, pk: int):
    """The responsible unit's progress form (进度报送)."""
    p = _get_project(request, pk)
    if ProjectAction.REPORT not in services.project_actions(request.user, p):
        if p.state != ProjectState.IMPLEMENTING:
            messages.error(request, _("项目已%(s)s,不再报送进度。") % {"s": p.get_state_display()})
            return redirect(p)
        raise PermissionDenied(_("只有责任单位或人大工作人员可以报送进度。"))
    form = ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.project_report(project=p, actor=request.user, **form.cleaned_data)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from None
            except LoopError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("进度已报送。"))
                return redirect(p)
        else:
            messages.error(request, _("未能报送,请按下面的提示修改后重新提交。"))
    return render(request, "projects/progress_form.html", {"p": p, "c": p.candidate, "form": form})


# ---------------------------------------------------------------------------------------------
# The published summary of the call for ideas (征集情况)


@role_required(*ROUND_ROLES)
@require_GET
def round_summary(request, pk: int):
    rnd = _get_round(request, pk)
    return render(request, "projects/summary.html", {"r": rnd, **idea_summary(rnd), "figures": round_figures(rnd)})


@require_GET
def public_summary(request, token: str):
    """The public version of the summary: counts by tag and titles with their outcome, no names."""
    if over_limit(request, "projects-public"):
        return HttpResponse(_("访问过于频繁,请稍后再试。"), status=429, content_type="text/plain; charset=utf-8")
    rnd = get_object_or_404(VoteRound.objects.select_related("electorate__area"), public_token=token)
    return render(request, "projects/public_summary.html", {"r": rnd, **idea_summary(rnd),
                                                            "figures": round_figures(rnd)})


# ---------------------------------------------------------------------------------------------
# The public page


@require_GET
def public_photo(request, token: str, photo: str):
    """A progress photo staff chose to show on the public page; nothing else is reachable from a token."""
    if over_limit(request, "projects-public"):
        return HttpResponse(_("访问过于频繁,请稍后再试。"), status=429, content_type="text/plain; charset=utf-8")
    found = get_object_or_404(ProgressPhoto.objects.filter(
        project__candidate__round__public_token=token, is_public=True), token=photo)
    response = downloads.stored_file(found.file, filename=f"photo-{found.pk}", content_type=found.content_type,
                                     inline=True)
    response["Cache-Control"] = "no-store"  # hidden again by staff: gone at once, from every cache
    return response


@require_GET
def public_round(request, token: str):
    """Candidates, the vote result per candidate (after the close), progress bars and grades of one
    electorate-year; no login, no personal data (no deputy, no contact, no officer)."""
    if over_limit(request, "projects-public"):
        return HttpResponse(_("访问过于频繁,请稍后再试。"), status=429, content_type="text/plain; charset=utf-8")
    rnd = get_object_or_404(VoteRound.objects.select_related("electorate"), public_token=token)
    return render(request, "projects/public_round.html", {"r": rnd, "candidates": public_candidates(rnd),
                                                          "closed": rnd.state == RoundState.CLOSED,
                                                          "today": timezone.localdate()})
