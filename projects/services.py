"""The one door for every change of a vote round and of a passed project (STYLE.md "one door per
change"), on the loop engine (core.loops): each function opens a transaction, re-reads the round or
project under a row lock and checks the state and the actor against `choices.ROUND_TRANSITIONS` /
`PROJECT_TRANSITIONS` (`lock`), writes the change, appends the event row and registers notifications on
commit. A refused call raises a `LoopError` whose message is shown as is, and changes nothing.

The rules of issue 12:
- a candidate passes with 赞成 from more than half of all deputies in office of the electorate;
- if more pass than there are places, the top N by 赞成 win; a tie at the cut-off is reported for a
  re-vote among the tied; too few passing is reported to the presidium;
- paper: ballots returned ≤ ballots issued per box, a candidate's 赞成+反对+弃权 ≤ ballots returned,
  every tally edit logged with the old value; a box signed off by the scrutineer is final;
- electronic: one ballot per deputy in office, changeable until the vote closes (the round lock
  serialises a deputy's parallel votes; the unique constraint is the backstop); no tally before close.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.loops import LoopError, NotAllowed, StaleState, allowed_actions, lock, notify_on_commit, record_event

from .choices import (
    ISSUE_TRANSITIONS,
    PROJECT_TRANSITIONS,
    ROUND_TRANSITIONS,
    Actor,
    Choice,
    GroupRole,
    IdeaSource,
    IssueAction,
    IssueState,
    Outcome,
    ProjectAction,
    ProjectState,
    Rating,
    RoundAction,
    RoundState,
    VoteMethod,
)
from .models import (
    MAX_PHOTOS,
    Ballot,
    BallotBox,
    BallotChoice,
    BoxTally,
    Candidate,
    Electorate,
    Idea,
    Inspection,
    InspectionPhoto,
    Issue,
    IssueEvent,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectFollow,
    ProjectRating,
    RoundEvent,
    SupervisionMember,
    VoteRound,
    split_tags,
)

__all__ = ["LoopError", "NotAllowed", "StaleState"]

MAX_TEXT = 5000


# ---------------------------------------------------------------------------------------------
# Who is acting


def round_actor_kinds(user, rnd: VoteRound) -> set[str]:
    """Every `Actor` the user is for this round: staff keep the round (district staff, admin, the area's
    staff); the presidium's staff (the area's staff of 镇人大主席团 / 街道人大工委, or admin) run the vote;
    a member deputy votes."""
    if user is None:
        return {Actor.SYSTEM}
    if not user.is_authenticated:
        return set()
    kinds = set()
    own_area = user.has_role(Role.AREA_STAFF) and user.area_id == rnd.electorate.area_id
    if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF) or own_area:
        kinds.add(Actor.STAFF)
    if user.has_role(Role.ADMIN) or own_area:
        kinds.add(Actor.PRESIDIUM)
    if user.deputy_profile is not None and rnd.electorate.has_member(user.deputy_profile):
        kinds.add(Actor.MEMBER)
    return kinds


def project_actor_kinds(user, project: Project) -> set[str]:
    if user is None:
        return {Actor.SYSTEM}
    if not user.is_authenticated:
        return set()
    rnd = project.candidate.round
    kinds = round_actor_kinds(user, rnd) - {Actor.PRESIDIUM}
    if user.has_role(Role.UNIT) and user.unit_id and user.unit_id == project.candidate.unit_id:
        kinds.add(Actor.UNIT)
    if user.deputy_profile is not None and SupervisionMember.objects.filter(
            project_id=project.pk, deputy_id=user.deputy_profile.pk).exists():
        kinds.add(Actor.SUPERVISOR)
    return kinds


def issue_actor_kinds(user, issue: Issue) -> set[str]:
    return project_actor_kinds(user, issue.project)


def round_actions(user, rnd) -> set[str]:
    if user.is_authenticated and user.is_read_only:
        return set()
    return allowed_actions(ROUND_TRANSITIONS, rnd.state, round_actor_kinds(user, rnd))


def project_actions(user, project, kinds=None) -> set[str]:
    if user.is_authenticated and user.is_read_only:
        return set()
    kinds = project_actor_kinds(user, project) if kinds is None else kinds
    return allowed_actions(PROJECT_TRANSITIONS, project.state, kinds)


def issue_actions(issue, kinds: set[str], user) -> set[str]:
    """What the user (of `kinds` on the issue's project) may do to the issue now."""
    if user.is_authenticated and user.is_read_only:
        return set()
    return allowed_actions(ISSUE_TRANSITIONS, issue.state, kinds)


def _round_stale(rnd) -> str:
    if rnd.state == RoundState.CLOSED:
        return _("投票已经结束,不能再办理。")
    return _("票决已进入“%(state)s”阶段,请刷新后查看。") % {"state": rnd.get_state_display()}


def _round_not_allowed(action) -> str:
    if action == RoundAction.VOTE:
        return _("您不是本次票决的在任代表,不能投票。")
    if action in (RoundAction.OPEN_VOTE, RoundAction.CLOSE_VOTE, RoundAction.CONFIRM_CANDIDATES):
        return _("只有主席团(人大工委)的工作人员可以执行“%(a)s”。") % {"a": RoundAction(action).label}
    return _("您无权执行“%(a)s”。") % {"a": RoundAction(action).label}


def _lock_round(rnd, action, actor) -> tuple[VoteRound, set[str]]:
    return lock(rnd, action, actor, table=ROUND_TRANSITIONS, actor_kinds=round_actor_kinds,
                stale_message=_round_stale, not_allowed_message=_round_not_allowed, model=VoteRound,
                missing_message=_("票决不存在。"))


def _project_stale(p) -> str:
    return _("项目当前为“%(state)s”,请刷新后查看。") % {"state": p.get_state_display()}


def _project_not_allowed(action) -> str:
    return _("您无权对该项目执行“%(a)s”。") % {"a": ProjectAction(action).label}


def _lock_project(project, action, actor) -> tuple[Project, set[str]]:
    return lock(project, action, actor, table=PROJECT_TRANSITIONS, actor_kinds=project_actor_kinds,
                stale_message=_project_stale, not_allowed_message=_project_not_allowed, model=Project,
                missing_message=_("项目不存在。"))


def _issue_stale(issue) -> str:
    return _("该问题当前为“%(state)s”,请刷新后查看。") % {"state": issue.get_state_display()}


def _issue_not_allowed(action) -> str:
    if action == IssueAction.REPORT_FIXED:
        return _("只有责任单位可以报告整改情况。")
    return _("只有本项目监督小组成员可以执行“%(a)s”。") % {"a": IssueAction(action).label}


def _lock_issue(issue, action, actor) -> tuple[Issue, set[str]]:
    return lock(issue, action, actor, table=ISSUE_TRANSITIONS, actor_kinds=issue_actor_kinds,
                stale_message=_issue_stale, not_allowed_message=_issue_not_allowed, model=Issue,
                missing_message=_("问题不存在。"))


def _event(rnd, action, actor, from_state, *, comment="", data=None) -> RoundEvent:
    return record_event(RoundEvent, action=action, actor=actor, from_state=from_state, to_state=rnd.state,
                        comment=comment, data=data or {}, round=rnd)


def _pevent(p, action, actor, from_state, *, comment="", data=None) -> ProjectEvent:
    return record_event(ProjectEvent, action=action, actor=actor, from_state=from_state, to_state=p.state,
                        comment=comment, data=data or {}, project=p)


def _text(value, label, *, required=True, limit=MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise LoopError(_("请填写%(label)s。") % {"label": label})
    if len(value) > limit:
        raise LoopError(_("%(label)s过长(最多 %(n)s 字)。") % {"label": label, "n": limit})
    return value


# ---------------------------------------------------------------------------------------------
# 征集 and candidates


def round_create(*, actor, electorate: Electorate, year: int, session_name: str, places: int,
                 method: str = VoteMethod.ELECTRONIC, ideas_from=None, ideas_until=None) -> VoteRound:
    if actor.is_read_only:
        raise NotAllowed(_("领导账号只能查看,不能办理。"))
    if not Electorate.objects.managed_by(actor).filter(pk=electorate.pk).exists():
        raise NotAllowed(_("您无权为“%(e)s”组织票决。") % {"e": electorate.name})
    if places < 1:
        raise LoopError(_("项目名额至少为 1 个。"))
    if ideas_from and ideas_until and ideas_until < ideas_from:
        raise LoopError(_("征集截止日期不能早于开始日期。"))
    with transaction.atomic():
        if VoteRound.objects.select_for_update().filter(electorate=electorate, year=year).exists():
            raise LoopError(_("%(e)s%(y)s年的票决已经建立。") % {"e": electorate.name, "y": year})
        rnd = VoteRound.objects.create(electorate=electorate, year=year, places=places, method=method,
                                       session_name=_text(session_name, _("会议名称"), limit=80),
                                       ideas_from=ideas_from, ideas_until=ideas_until)
        _event(rnd, RoundAction.CREATE, actor, "")
    return rnd


def idea_add(*, round, actor, title: str, body: str = "", item=None, tags: str = "") -> Idea:  # noqa: A002
    """Register an idea (征集意见) with the next receipt number of the round."""
    with transaction.atomic():
        rnd, _kinds = _lock_round(round, RoundAction.ADD_IDEA, actor)
        VoteRound.objects.filter(pk=rnd.pk).update(last_receipt=F("last_receipt") + 1)
        receipt = VoteRound.objects.values_list("last_receipt", flat=True).get(pk=rnd.pk)
        idea = Idea.objects.create(round=rnd, receipt=receipt, title=_text(title, _("项目建议"), limit=120),
                                   body=_text(body, _("内容"), required=False), item=item,
                                   source=IdeaSource.ITEM if item is not None else IdeaSource.STAFF,
                                   tags=_text(tags, _("标签"), required=False, limit=80), entered_by=actor)
        _event(rnd, RoundAction.ADD_IDEA, actor, rnd.state, comment=idea.title, data={"idea": idea.pk})
    return idea


def idea_tag(*, idea, actor, tags: str) -> Idea:
    """Staff tag an idea (free tags, e.g. 交通、照明); tags are kept normalised, separated by 、."""
    with transaction.atomic():
        rnd, _kinds = _lock_round(idea.round_id, RoundAction.TAG_IDEA, actor)
        idea = Idea.objects.select_for_update().get(pk=idea.pk, round=rnd)
        value = "、".join(split_tags(tags))
        _text(value, _("标签"), required=False, limit=80)
        old, idea.tags = idea.tags, value
        idea.save(update_fields=["tags"])
        _event(rnd, RoundAction.TAG_IDEA, actor, rnd.state, comment=idea.receipt_number,
               data={"idea": idea.pk, "old": old, "new": value})
    return idea


def idea_merge(*, idea, into, actor) -> Idea:
    """Merge an idea into a master idea of the same round (合并): it keeps its receipt and points to the
    master, which lists it; ideas already merged into it follow it to the master."""
    with transaction.atomic():
        rnd, _kinds = _lock_round(idea.round_id, RoundAction.MERGE_IDEA, actor)
        rows = {i.pk: i for i in Idea.objects.select_for_update().filter(round=rnd, pk__in=[idea.pk, into.pk])}
        if into.pk == idea.pk:
            raise LoopError(_("不能把意见并入它自己。"))
        if len(rows) < 2:
            raise LoopError(_("只能合并同一票决年度的征集意见。"))
        idea, into = rows[idea.pk], rows[into.pk]
        if idea.merged_into_id is not None:
            raise StaleState(_("%(n)s 已经并入其他意见。") % {"n": idea.receipt_number})
        if into.merged_into_id is not None:
            raise LoopError(_("%(n)s 本身已并入其他意见,请并入主意见。") % {"n": into.receipt_number})
        moved = list(Idea.objects.filter(merged_into=idea).values_list("pk", flat=True))
        Idea.objects.filter(merged_into=idea).update(merged_into=into)
        idea.merged_into = into
        idea.save(update_fields=["merged_into"])
        _event(rnd, RoundAction.MERGE_IDEA, actor, rnd.state,
               comment=f"{idea.receipt_number} → {into.receipt_number}",
               data={"idea": idea.pk, "into": into.pk, "moved": moved})
    return idea


CANDIDATE_FIELDS = ("name", "content", "location", "total_investment", "year_investment", "unit", "starts_on",
                    "completes_on")


def candidate_add(*, round, actor, data: dict, ideas=()) -> Candidate:  # noqa: A002
    with transaction.atomic():
        rnd, _kinds = _lock_round(round, RoundAction.ADD_CANDIDATE, actor)
        fields = {k: data[k] for k in CANDIDATE_FIELDS}
        if fields["completes_on"] < fields["starts_on"]:
            raise LoopError(_("计划完工日期不能早于计划开工日期。"))
        if fields["year_investment"] > fields["total_investment"]:
            raise LoopError(_("当年投资不能大于总投资。"))
        sort = rnd.candidates.count() + 1
        c = Candidate.objects.create(round=rnd, sort=sort, **fields)
        c.ideas.set([i for i in ideas if i.round_id == rnd.pk])
        _event(rnd, RoundAction.ADD_CANDIDATE, actor, rnd.state, comment=c.name, data={"candidate": c.pk})
    return c


def round_confirm_candidates(*, round, actor) -> VoteRound:  # noqa: A002
    """主席团确认候选项目: more candidates than places (差额票决)."""
    with transaction.atomic():
        rnd, _kinds = _lock_round(round, RoundAction.CONFIRM_CANDIDATES, actor)
        n = rnd.candidates.count()
        if n <= rnd.places:
            raise LoopError(_("候选项目(%(n)s 个)须多于项目名额(%(p)s 个)。") % {"n": n, "p": rnd.places})
        old, rnd.state = rnd.state, RoundState.CANDIDATES
        rnd.save(update_fields=["state"])
        _event(rnd, RoundAction.CONFIRM_CANDIDATES, actor, old, data={"candidates": n})
    return rnd


def round_open(*, round, actor) -> VoteRound:  # noqa: A002
    with transaction.atomic():
        rnd, _kinds = _lock_round(round, RoundAction.OPEN_VOTE, actor)
        old, rnd.state, rnd.opened_at = rnd.state, RoundState.VOTING, timezone.now()
        rnd.save(update_fields=["state", "opened_at"])
        event = _event(rnd, RoundAction.OPEN_VOTE, actor, old)
        if rnd.method == VoteMethod.ELECTRONIC:
            members = [d.user for d in rnd.electorate.members().select_related("user") if d.user_id]
            notify_on_commit(key=f"projects:round:{rnd.pk}:event:{event.pk}", kind="projects.open_vote",
                             recipients=members, title=_("民生实事项目票决已开始:%(r)s") % {"r": rnd},
                             url=reverse("projects:vote", args=[rnd.pk]), subject=f"projects_round:{rnd.pk}")
    return rnd


# ---------------------------------------------------------------------------------------------
# The electronic vote


def ballot_cast(*, round, actor, choices: dict) -> Ballot:  # noqa: A002
    """A member deputy's vote: `choices` maps every candidate id to 赞成/反对/弃权. A second call replaces
    the first (changeable until the vote closes); the tally stays hidden until then."""
    with transaction.atomic():
        # The round lock serialises one deputy's parallel votes (and a vote against the close).
        rnd, _kinds = _lock_round(round, RoundAction.VOTE, actor)
        if rnd.method != VoteMethod.ELECTRONIC:
            raise LoopError(_("本次票决使用纸质选票,不能在手机上投票。"))
        candidates = list(rnd.candidates.values_list("pk", flat=True))
        clean = {}
        for pk in candidates:
            value = choices.get(pk, choices.get(str(pk)))
            if value not in Choice.values:
                raise LoopError(_("请对每一个候选项目选择赞成、反对或弃权。"))
            clean[pk] = value
        deputy = actor.deputy_profile
        now = timezone.now()
        ballot = Ballot.objects.filter(round=rnd, deputy=deputy).first()
        changed = ballot is not None
        if ballot is None:
            ballot = Ballot.objects.create(round=rnd, deputy=deputy, cast_at=now)
        else:
            ballot.cast_at, ballot.changes = now, ballot.changes + 1
            ballot.save(update_fields=["cast_at", "changes"])
            BallotChoice.objects.filter(ballot=ballot).delete()
        BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, candidate_id=pk, choice=v)
                                          for pk, v in clean.items()])
        # The event says that a deputy voted, never how (secret ballot).
        _event(rnd, RoundAction.VOTE, actor, rnd.state, data={"changed": changed})
    return ballot


# ---------------------------------------------------------------------------------------------
# Paper ballots: boxes, tallies, sign-off


def box_add(*, round, actor, name: str, ballots_issued: int, ballots_returned: int) -> BallotBox:  # noqa: A002
    with transaction.atomic():
        rnd, _kinds = _lock_round(round, RoundAction.ADD_BOX, actor)
        if rnd.method != VoteMethod.PAPER:
            raise LoopError(_("本次票决为手机电子表决,不设纸质票箱。"))
        name = _text(name, _("票箱"), limit=40)
        _check_ballots(rnd, ballots_issued, ballots_returned)
        if rnd.boxes.filter(name=name).exists():
            raise LoopError(_("票箱“%(n)s”已经存在。") % {"n": name})
        box = BallotBox.objects.create(round=rnd, name=name, ballots_issued=ballots_issued,
                                       ballots_returned=ballots_returned)
        BoxTally.objects.bulk_create([BoxTally(box=box, candidate=c) for c in rnd.candidates.all()])
        _event(rnd, RoundAction.ADD_BOX, actor, rnd.state, comment=name,
               data={"box": box.pk, "ballots_issued": ballots_issued, "ballots_returned": ballots_returned})
    return box


def _check_ballots(rnd, issued, returned, *, other_issued=None):
    if returned > issued:
        raise LoopError(_("收回选票(%(r)s 张)不能多于发出选票(%(i)s 张)。") % {"r": returned, "i": issued})
    if other_issued is None:
        other_issued = rnd.boxes.aggregate(n=Sum("ballots_issued"))["n"] or 0
    in_office = rnd.electorate.members().count()
    if other_issued + issued > in_office:
        raise LoopError(_("各票箱发出选票合计(%(n)s 张)不能多于在任代表数(%(m)s 人)。") % {
            "n": other_issued + issued, "m": in_office})


def tally_enter(*, box, actor, ballots_issued: int, ballots_returned: int, counts: dict) -> BallotBox:
    """Enter or correct the count of one box: `counts` maps candidate id → (赞成, 反对, 弃权). Every
    changed value is logged with its old value, the officer and the time; a signed-off box is final."""
    rnd_pk = box.round_id if isinstance(box, BallotBox) else BallotBox.objects.get(pk=box).round_id
    with transaction.atomic():
        rnd, _kinds = _lock_round(rnd_pk, RoundAction.ENTER_TALLY, actor)
        box = BallotBox.objects.select_for_update().get(pk=box.pk if isinstance(box, BallotBox) else box)
        if box.signed_off_at is not None:
            raise LoopError(_("票箱“%(n)s”已由监票人签字确认,不能再修改。") % {"n": box.name})
        others = rnd.boxes.exclude(pk=box.pk).aggregate(n=Sum("ballots_issued"))["n"] or 0
        _check_ballots(rnd, ballots_issued, ballots_returned, other_issued=others)
        tallies = {t.candidate_id: t for t in box.tallies.select_for_update().select_related("candidate")}
        edits = []
        for field, value in (("ballots_issued", ballots_issued), ("ballots_returned", ballots_returned)):
            if getattr(box, field) != value:
                edits.append({"box": box.name, "field": field, "old": getattr(box, field), "new": value})
                setattr(box, field, value)
        box.save(update_fields=["ballots_issued", "ballots_returned"])
        for pk, tally in tallies.items():
            yes, no, abstain = counts.get(pk, counts.get(str(pk), (tally.yes, tally.no, tally.abstain)))
            if min(yes, no, abstain) < 0:
                raise LoopError(_("票数不能为负数。"))
            if yes + no + abstain > ballots_returned:
                raise LoopError(_("“%(c)s”的赞成、反对、弃权票合计(%(n)s 张)超过收回选票(%(r)s 张)。") % {
                    "c": tally.candidate.name, "n": yes + no + abstain, "r": ballots_returned})
            for field, value in (("yes", yes), ("no", no), ("abstain", abstain)):
                if getattr(tally, field) != value:
                    edits.append({"box": box.name, "candidate": tally.candidate.name, "field": field,
                                  "old": getattr(tally, field), "new": value})
                    setattr(tally, field, value)
            tally.save(update_fields=["yes", "no", "abstain"])
        for edit in edits:
            _event(rnd, RoundAction.ENTER_TALLY, actor, rnd.state, comment=box.name, data=edit)
    return box


def box_sign_off(*, box, actor, scrutineer: str) -> BallotBox:
    with transaction.atomic():
        rnd, _kinds = _lock_round(box.round_id, RoundAction.SIGN_OFF, actor)
        box = BallotBox.objects.select_for_update().get(pk=box.pk)
        if box.signed_off_at is not None:
            raise StaleState(_("票箱“%(n)s”已经签字确认。") % {"n": box.name})
        box.scrutineer = _text(scrutineer, _("监票人"), limit=30)
        box.signed_off_by, box.signed_off_at = actor, timezone.now()
        box.save(update_fields=["scrutineer", "signed_off_by", "signed_off_at"])
        _event(rnd, RoundAction.SIGN_OFF, actor, rnd.state, comment=box.name, data={"scrutineer": box.scrutineer})
    return box


# ---------------------------------------------------------------------------------------------
# Close and count


def passes(yes: int, in_office: int) -> bool:
    """The pass rule (issue 12): 赞成 from more than half of all deputies in office."""
    return yes * 2 > in_office


def rank(totals: list[tuple[int, int]], *, places: int, in_office: int) -> dict[int, tuple[int, str]]:
    """`totals`: (candidate id, 赞成). Returns candidate id → (rank by 赞成, outcome): those passing fill
    the places by 赞成; candidates tied on 赞成 at the cut-off are neither in nor out (重新票决)."""
    ordered = sorted(totals, key=lambda t: -t[1])
    ranks, out = {}, {}
    for i, (pk, yes) in enumerate(ordered):
        ranks[pk] = 1 + sum(1 for _pk, y in ordered[:i] if y > yes)
    passed = [(pk, yes) for pk, yes in ordered if passes(yes, in_office)]
    cutoff = passed[places - 1][1] if len(passed) > places else None
    tied_at_cutoff = cutoff is not None and passed[places][1] == cutoff
    for pk, yes in ordered:
        if not passes(yes, in_office):
            outcome = Outcome.FAILED
        elif cutoff is None or yes > cutoff:
            outcome = Outcome.WON
        elif yes == cutoff:
            outcome = Outcome.TIED if tied_at_cutoff else Outcome.WON
        else:
            outcome = Outcome.PASSED_NOT_PLACED
        out[pk] = (ranks[pk], outcome)
    return out


def round_close(*, round, actor) -> VoteRound:  # noqa: A002
    """结束投票: count (the electronic ballots, or the signed-off boxes), apply the pass rule and the
    places, and turn the winners into projects (实施中). A tie at the cut-off and too few passing are
    written into the result note for the presidium."""
    with transaction.atomic():
        rnd, _kinds = _lock_round(round, RoundAction.CLOSE_VOTE, actor)
        in_office = rnd.electorate.members().count()
        candidates = list(rnd.candidates.all())
        if rnd.method == VoteMethod.PAPER:
            boxes = list(rnd.boxes.all())
            if not boxes:
                raise LoopError(_("还没有录入任何票箱的计票结果。"))
            open_boxes = [b.name for b in boxes if b.signed_off_at is None]
            if open_boxes:
                raise LoopError(_("以下票箱尚未由监票人签字确认:%(b)s。") % {"b": "、".join(open_boxes)})
            cast = sum(b.ballots_returned for b in boxes)
            sums = {row["candidate_id"]: row for row in BoxTally.objects.filter(box__round=rnd).values(
                "candidate_id").annotate(y=Sum("yes"), n=Sum("no"), a=Sum("abstain"))}
            counts = {c.pk: (sums[c.pk]["y"], sums[c.pk]["n"], sums[c.pk]["a"]) if c.pk in sums else (0, 0, 0)
                      for c in candidates}
        else:
            cast = rnd.ballots.count()
            counts = {c.pk: [0, 0, 0] for c in candidates}
            index = {Choice.YES: 0, Choice.NO: 1, Choice.ABSTAIN: 2}
            for row in BallotChoice.objects.filter(ballot__round=rnd).values("candidate_id", "choice").annotate(
                    n=Count("id")):
                counts[row["candidate_id"]][index[row["choice"]]] = row["n"]
        if cast > in_office:
            raise LoopError(_("投票人数(%(c)s)多于在任代表数(%(m)s),请核对。") % {"c": cast, "m": in_office})
        result = rank([(pk, v[0]) for pk, v in counts.items()], places=rnd.places, in_office=in_office)
        for c in candidates:
            c.yes, c.no, c.abstain = counts[c.pk]
            c.rank, c.outcome = result[c.pk]
        Candidate.objects.bulk_update(candidates, ["yes", "no", "abstain", "rank", "outcome"])
        won = [c for c in candidates if c.outcome == Outcome.WON]
        tied = [c.name for c in candidates if c.outcome == Outcome.TIED]
        notes = []
        if tied:
            notes.append(_("%(names)s 赞成票相同且处于名额末位,须在并列项目中重新票决。") % {"names": "、".join(tied)})
        passed_n = sum(1 for c in candidates if c.outcome != Outcome.FAILED)
        if passed_n < rnd.places:
            notes.append(_("赞成票过半数的项目(%(n)s 个)少于项目名额(%(p)s 个),提请主席团研究。") % {
                "n": passed_n, "p": rnd.places})
        old = rnd.state
        rnd.state, rnd.closed_at, rnd.in_office, rnd.ballots_cast = RoundState.CLOSED, timezone.now(), in_office, cast
        rnd.result_note = "\n".join(notes)
        rnd.save(update_fields=["state", "closed_at", "in_office", "ballots_cast", "result_note"])
        _event(rnd, RoundAction.CLOSE_VOTE, actor, old, comment=rnd.result_note,
               data={"in_office": in_office, "cast": cast, "won": [c.pk for c in won]})
        for c in won:
            p = Project.objects.create(candidate=c)
            event = _pevent(p, ProjectAction.START, actor, "")
            # The responsible unit learns that it delivers a 民生实事项目 and reports its progress.
            notify_on_commit(key=f"projects:project:{p.pk}:event:{event.pk}", kind="projects.start",
                             recipients=[c.unit], title=_("列为民生实事项目,请按月报送进度:%(n)s") % {"n": c.name},
                             url=p.get_absolute_url(), subject=f"projects_project:{p.pk}")
    return rnd


# ---------------------------------------------------------------------------------------------
# Delivery


def _checked_photos(photos) -> list:
    """The uploads, at most MAX_PHOTOS, each already content-checked as an image by the form (residents'
    PhotoField, on petitions.files.validate_attachment); anything else is refused before a row is written."""
    photos = [f for f in (photos or ()) if f]
    if len(photos) > MAX_PHOTOS:
        raise LoopError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    for f in photos:
        if not str(getattr(f, "xs_content_type", "")).startswith("image/"):
            raise LoopError(_("文件“%(name)s”未通过图片检查,不能上传。") % {"name": getattr(f, "name", "")})
    return photos


def _store_photos(model, photos, **fields) -> list:
    return [model.objects.create(file=f, size=f.size, content_type=f.xs_content_type, **fields) for f in photos]


def project_report(*, project, actor, percent: int, text: str, reported_on: datetime.date,
                   spent: Decimal | None = None, photos=()) -> ProgressReport:
    """The responsible unit's progress report (进度报送), with up to 3 photos (not public until staff
    say so); deputies following or supervising the project are told."""
    photos = _checked_photos(photos)
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.REPORT, actor)
        if not 0 <= percent <= 100:
            raise LoopError(_("形象进度应在 0 到 100 之间。"))
        if percent < p.percent:
            raise LoopError(_("形象进度不能低于上次报送的 %(n)s%%。") % {"n": p.percent})
        if reported_on > timezone.localdate():
            raise LoopError(_("报送日期不能晚于今天。"))
        if spent is not None and spent < 0:
            raise LoopError(_("已完成投资不能为负数。"))
        report = ProgressReport.objects.create(project=p, percent=percent, spent=spent, reported_on=reported_on,
                                               text=_text(text, _("进展情况")), reported_by=actor)
        stored = _store_photos(ProgressPhoto, photos, project=p, report=report)
        old_percent = p.percent
        p.percent, p.last_report_on = percent, reported_on
        fields = ["percent", "last_report_on"]
        if spent is not None:
            p.spent = spent
            fields.append("spent")
        p.save(update_fields=fields)
        event = _pevent(p, ProjectAction.REPORT, actor, p.state, comment=report.text[:500],
                        data={"old_percent": old_percent, "percent": percent,
                              "spent": str(spent) if spent is not None else None,
                              "photos": [ph.pk for ph in stored]})
        _tell_watchers(p, event, kind="projects.report", title=_("民生实事项目进度更新:%(n)s %(p)s%%") % {
            "n": p.candidate.name, "p": percent})
    return report


def project_complete(*, project, actor, completed_on: datetime.date) -> Project:
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.COMPLETE, actor)
        if completed_on > timezone.localdate():
            raise LoopError(_("完工日期不能晚于今天。"))
        old = p.state
        p.state, p.completed_on, p.percent = ProjectState.COMPLETED, completed_on, 100
        p.save(update_fields=["state", "completed_on", "percent"])
        event = _pevent(p, ProjectAction.COMPLETE, actor, old)
        _tell_watchers(p, event, kind="projects.complete", title=_("民生实事项目已完工:%(n)s") % {
            "n": p.candidate.name})
    return p


def project_accept(*, project, actor, accepted_on: datetime.date, comment: str = "") -> Project:
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.ACCEPT, actor)
        if accepted_on > timezone.localdate() or (p.completed_on and accepted_on < p.completed_on):
            raise LoopError(_("验收日期应在完工日期与今天之间。"))
        old = p.state
        p.state, p.accepted_on = ProjectState.ACCEPTED, accepted_on
        p.save(update_fields=["state", "accepted_on"])
        event = _pevent(p, ProjectAction.ACCEPT, actor, old, comment=_text(comment, _("验收意见"), required=False))
        _tell_watchers(p, event, kind="projects.accept", title=_("民生实事项目已验收:%(n)s") % {
            "n": p.candidate.name})
    return p


def project_rate(*, project, actor, rating: str) -> ProjectRating:
    """A member deputy's year-end rating (满意度测评), changeable until staff grade the project."""
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.RATE, actor)
        if p.grade:
            raise StaleState(_("该项目的满意度测评已经结束。"))
        if rating not in Rating.values:
            raise LoopError(_("请选择满意、基本满意或不满意。"))
        row, _created = ProjectRating.objects.update_or_create(
            project=p, deputy=actor.deputy_profile, defaults={"rating": rating, "rated_at": timezone.now()})
        _pevent(p, ProjectAction.RATE, actor, p.state)
    return row


def grade_of(satisfied: int, basic: int, dissatisfied: int) -> str:
    """满意 when 满意 > half of the votes cast; 基本满意 when 满意 + 基本满意 > half; otherwise 不满意."""
    cast = satisfied + basic + dissatisfied
    if satisfied * 2 > cast:
        return Rating.SATISFIED
    if (satisfied + basic) * 2 > cast:
        return Rating.BASIC
    return Rating.DISSATISFIED


def project_grade(*, project, actor) -> Project:
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.GRADE, actor)
        if p.grade:
            raise StaleState(_("该项目已经评定等次。"))
        counts = {r: 0 for r in Rating.values}
        for value in p.ratings.values_list("rating", flat=True):
            counts[value] += 1
        if not sum(counts.values()):
            raise LoopError(_("还没有代表参加测评。"))
        p.grade = grade_of(counts[Rating.SATISFIED], counts[Rating.BASIC], counts[Rating.DISSATISFIED])
        p.save(update_fields=["grade"])
        _pevent(p, ProjectAction.GRADE, actor, p.state, comment=p.get_grade_display(), data=counts)
    return p


# ---------------------------------------------------------------------------------------------
# Supervision (监督小组), inspections, issues to fix (问题清单), following (关注)


def watchers(p: Project) -> list:
    """Who is told of a project's progress, issues and completion: its followers and its supervision
    group (deputies; one without a login is reached by SMS), each once."""
    from deputies.models import Deputy

    return list(Deputy.objects.filter(Q(project_follows__project=p) | Q(project_supervisions__project=p))
                .select_related("user").distinct().order_by("pk"))


def _tell_watchers(p, event, *, kind: str, title: str, also=()) -> None:
    recipients = [*watchers(p), *also]
    if recipients:
        notify_on_commit(key=f"projects:project:{p.pk}:event:{event.pk}", kind=kind, recipients=recipients,
                         title=title, url=p.get_absolute_url(), subject=f"projects_project:{p.pk}")


def group_candidates(p: Project):
    """Deputies who may sit in the group: the electorate's (any role); as leader also district deputies
    in office (常委会组成人员、主席团成员 are drawn from them)."""
    from deputies.models import Deputy

    return p.candidate.round.electorate.members() | Deputy.objects.filter(_district_q())


def _district_q():
    from deputies.choices import Level, MandateStatus

    return Q(mandates__term__level=Level.DISTRICT, mandates__status=MandateStatus.IN_OFFICE)


def supervision_set(*, project, actor, leader, members=()) -> list[SupervisionMember]:
    """Set up (or change) a project's supervision group: a leader and members. The members must be
    deputies of the electorate; the leader a deputy of it or a district deputy in office."""
    from deputies.models import Deputy

    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.SET_GROUP, actor)
        electorate = p.candidate.round.electorate
        if leader is None:
            raise LoopError(_("请选择监督小组组长。"))
        members = [d for d in dict.fromkeys(members) if d.pk != leader.pk]
        in_electorate = set(electorate.members().filter(pk__in=[leader.pk, *[d.pk for d in members]])
                            .values_list("pk", flat=True))
        outsiders = [d.name for d in members if d.pk not in in_electorate]
        if outsiders:
            raise LoopError(_("%(names)s 不是%(e)s的代表,不能加入监督小组。") % {
                "names": "、".join(outsiders), "e": electorate.name})
        if leader.pk not in in_electorate and not Deputy.objects.filter(_district_q(), pk=leader.pk).exists():
            raise LoopError(_("组长 %(n)s 既不是%(e)s的代表,也不是在任区人大代表。") % {
                "n": leader.name, "e": electorate.name})
        before = set(p.supervisors.values_list("deputy_id", flat=True))
        p.supervisors.all().delete()
        rows = SupervisionMember.objects.bulk_create(
            [SupervisionMember(project=p, deputy=leader, role=GroupRole.LEADER)]
            + [SupervisionMember(project=p, deputy=d, role=GroupRole.MEMBER) for d in members])
        event = _pevent(p, ProjectAction.SET_GROUP, actor, p.state, comment="、".join(
            [f"{leader.name}(组长)"] + [d.name for d in members]),
            data={"leader": leader.pk, "members": [d.pk for d in members]})
        new = [d for d in [leader, *members] if d.pk not in before]
        if new:
            notify_on_commit(key=f"projects:project:{p.pk}:event:{event.pk}", kind="projects.group",
                             recipients=new, title=_("您已加入民生实事项目监督小组:%(n)s") % {"n": p.candidate.name},
                             url=p.get_absolute_url(), subject=f"projects_project:{p.pk}")
    return rows


def inspection_record(*, project, actor, inspected_on: datetime.date, place: str, findings: str,
                      photos=()) -> Inspection:
    """A supervision group member records an inspection (视察记录), with up to 3 photos (never public)."""
    photos = _checked_photos(photos)
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.INSPECT, actor)
        if inspected_on > timezone.localdate():
            raise LoopError(_("视察日期不能晚于今天。"))
        row = Inspection.objects.create(project=p, inspected_on=inspected_on, recorded_by=actor,
                                        place=_text(place, _("视察地点"), limit=120),
                                        findings=_text(findings, _("视察发现")))
        stored = _store_photos(InspectionPhoto, photos, project=p, inspection=row)
        _pevent(p, ProjectAction.INSPECT, actor, p.state, comment=f"{row.place}:{row.findings[:200]}",
                data={"inspection": row.pk, "on": inspected_on.isoformat(), "photos": [ph.pk for ph in stored]})
    return row


def _ievent(issue, action, actor, from_state, *, comment="", data=None) -> IssueEvent:
    return record_event(IssueEvent, action=action, actor=actor, from_state=from_state, to_state=issue.state,
                        comment=comment, data=data or {}, issue=issue)


def issue_raise(*, project, actor, description: str, owner: str, due_on: datetime.date) -> Issue:
    """A supervision group member puts an issue on the list (问题清单); the unit, the group and the
    followers are told."""
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.RAISE_ISSUE, actor)
        if due_on < timezone.localdate():
            raise LoopError(_("整改期限不能早于今天。"))
        issue = Issue.objects.create(project=p, description=_text(description, _("问题描述")),
                                     owner=_text(owner, _("整改责任人"), limit=60), due_on=due_on, raised_by=actor)
        _ievent(issue, IssueAction.RAISE, actor, "", data={"due_on": due_on.isoformat(), "owner": issue.owner})
        event = _pevent(p, ProjectAction.RAISE_ISSUE, actor, p.state, comment=issue.description[:200],
                        data={"issue": issue.pk})
        _tell_watchers(p, event, kind="projects.issue", also=[p.candidate.unit],
                       title=_("民生实事项目监督小组提出整改问题:%(n)s") % {"n": p.candidate.name})
    return issue


def issue_report_fixed(*, issue, actor, note: str) -> Issue:
    """The responsible unit reports the issue fixed (已整改), with a note; the group is told."""
    with transaction.atomic():
        i, _kinds = _lock_issue(issue, IssueAction.REPORT_FIXED, actor)
        old, i.state, i.fixed_note = i.state, IssueState.FIXED, _text(note, _("整改情况"))
        i.save(update_fields=["state", "fixed_note"])
        event = _ievent(i, IssueAction.REPORT_FIXED, actor, old, comment=i.fixed_note)
        group = list(SupervisionMember.objects.filter(project_id=i.project_id).select_related("deputy__user"))
        if group:
            notify_on_commit(key=f"projects:issue:{i.pk}:event:{event.pk}", kind="projects.issue_fixed",
                             recipients=[m.deputy for m in group], title=_("责任单位已报告整改,请确认销号:%(d)s") % {
                                 "d": i.description[:30]}, url=i.project.get_absolute_url(),
                             subject=f"projects_project:{i.project_id}")
    return i


def issue_confirm(*, issue, actor, note: str = "") -> Issue:
    """The supervision group confirms the fix: the issue is closed (已销号); everyone watching is told."""
    with transaction.atomic():
        i, _kinds = _lock_issue(issue, IssueAction.CONFIRM, actor)
        old, i.state, i.closed_on = i.state, IssueState.CLOSED, timezone.localdate()
        i.save(update_fields=["state", "closed_on"])
        event = _ievent(i, IssueAction.CONFIRM, actor, old, comment=_text(note, _("销号意见"), required=False))
        p = i.project
        pevent = _pevent(p, ProjectAction.CLOSE_ISSUE, actor, p.state, comment=_("已销号:%(d)s") % {
            "d": i.description[:200]}, data={"issue": i.pk, "closed": True, "issue_event": event.pk})
        _tell_watchers(p, pevent, kind="projects.issue_closed", also=[p.candidate.unit],
                       title=_("整改问题已销号:%(d)s") % {"d": i.description[:30]})
    return i


def issue_reopen(*, issue, actor, reason: str) -> Issue:
    """The supervision group sends the issue back to 待整改, with the reason; the unit is told."""
    with transaction.atomic():
        i, _kinds = _lock_issue(issue, IssueAction.REOPEN, actor)
        reason = _text(reason, _("退回理由"))
        old, i.state = i.state, IssueState.OPEN
        i.save(update_fields=["state"])
        event = _ievent(i, IssueAction.REOPEN, actor, old, comment=reason)
        notify_on_commit(key=f"projects:issue:{i.pk}:event:{event.pk}", kind="projects.issue_reopened",
                         recipients=[i.project.candidate.unit], title=_("整改问题被退回,请继续整改:%(d)s") % {
                             "d": i.description[:30]}, url=i.project.get_absolute_url(),
                         subject=f"projects_project:{i.project_id}")
    return i


def project_follow(*, project, actor, follow: bool = True) -> bool:
    """A deputy of the electorate follows (关注) or stops following a project. Returns whether they
    follow it now."""
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.FOLLOW, actor)
        deputy = actor.deputy_profile
        if follow:
            _row, created = ProjectFollow.objects.get_or_create(project=p, deputy=deputy)
            changed = created
        else:
            changed = ProjectFollow.objects.filter(project=p, deputy=deputy).delete()[0] > 0
        if changed:
            _pevent(p, ProjectAction.FOLLOW, actor, p.state, data={"follow": follow})
    return follow


# ---------------------------------------------------------------------------------------------
# The plan (节点计划): milestones, and which progress photos the public page shows


def _milestone_fields(p, *, name, planned_on, sort, note) -> dict:
    if planned_on < p.candidate.starts_on:
        raise LoopError(_("节点计划日期不能早于项目计划开工日期(%(d)s)。") % {"d": f"{p.candidate.starts_on:%Y-%m-%d}"})
    if sort is not None and not 0 <= sort <= 999:
        raise LoopError(_("顺序应在 0 到 999 之间。"))
    return {"name": _text(name, _("节点名称"), limit=120), "planned_on": planned_on,
            "note": _text(note, _("说明"), required=False, limit=2000)}


def milestone_add(*, project, actor, name: str, planned_on: datetime.date, sort: int | None = None,
                  note: str = "") -> Milestone:
    """The responsible unit (or staff) adds a milestone to the project's plan; without `sort` it goes last."""
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.PLAN_MILESTONE, actor)
        fields = _milestone_fields(p, name=name, planned_on=planned_on, sort=sort, note=note)
        if sort is None:
            sort = (p.milestones.aggregate(n=Max("sort"))["n"] or 0) + 1
        m = Milestone.objects.create(project=p, sort=sort, **fields)
        _pevent(p, ProjectAction.PLAN_MILESTONE, actor, p.state, comment=f"{m.name}({m.planned_on:%Y-%m-%d})",
                data={"milestone": m.pk, "planned_on": m.planned_on.isoformat(), "sort": sort})
    return m


def milestone_change(*, milestone, actor, name: str, planned_on: datetime.date, sort: int, note: str = "") -> Milestone:
    """Change a milestone not yet done (name, planned date, order, note); the old values stay in the event."""
    with transaction.atomic():
        p, _kinds = _lock_project(milestone.project_id, ProjectAction.CHANGE_MILESTONE, actor)
        m = _locked_milestone(p, milestone)
        fields = {**_milestone_fields(p, name=name, planned_on=planned_on, sort=sort, note=note), "sort": sort}
        old = {k: getattr(m, k) for k in fields}
        changed = [k for k, v in fields.items() if v != old[k]]
        if not changed:
            return m
        for k in changed:
            setattr(m, k, fields[k])
        m.save(update_fields=changed)
        _pevent(p, ProjectAction.CHANGE_MILESTONE, actor, p.state, comment=m.name,
                data={"milestone": m.pk, "old": {k: str(old[k]) for k in changed},
                      "new": {k: str(fields[k]) for k in changed}})
    return m


def _locked_milestone(p, milestone) -> Milestone:
    m = Milestone.objects.select_for_update().filter(project=p, pk=getattr(milestone, "pk", milestone)).first()
    if m is None:
        raise LoopError(_("节点不存在。"))
    if m.done_on is not None:
        raise StaleState(_("节点“%(n)s”已于 %(d)s 完成,请刷新后查看。") % {"n": m.name, "d": f"{m.done_on:%Y-%m-%d}"})
    return m


def milestone_done(*, milestone, actor, done_on: datetime.date, note: str = "") -> Milestone:
    """The responsible unit (or staff) marks a milestone done (节点完成) on `done_on`: not in the future,
    not before the project's planned start. Once only: the project lock serialises parallel marks and
    the second finds it done. Deputies following or supervising the project are told."""
    with transaction.atomic():
        p, _kinds = _lock_project(getattr(milestone, "project_id", None) or Milestone.objects.values_list(
            "project_id", flat=True).get(pk=milestone), ProjectAction.MILESTONE_DONE, actor)
        m = _locked_milestone(p, milestone)
        if done_on > timezone.localdate():
            raise LoopError(_("完成日期不能晚于今天。"))
        if done_on < p.candidate.starts_on:
            raise LoopError(_("完成日期不能早于项目计划开工日期(%(d)s)。") % {"d": f"{p.candidate.starts_on:%Y-%m-%d}"})
        m.done_on, m.done_by = done_on, actor if actor is not None and actor.is_authenticated else None
        m.done_note = _text(note, _("完成情况"), required=False, limit=2000)
        m.save(update_fields=["done_on", "done_by", "done_note"])
        event = _pevent(p, ProjectAction.MILESTONE_DONE, actor, p.state, comment=m.name,
                        data={"milestone": m.pk, "planned_on": m.planned_on.isoformat(), "done_on": done_on.isoformat(),
                              "late": done_on > m.planned_on})
        _tell_watchers(p, event, kind="projects.milestone_done", title=_("民生实事项目节点完成:%(n)s · %(m)s") % {
            "n": p.candidate.name, "m": m.name})
    return m


def progress_photos_publish(*, project, actor, public_photos=()) -> int:
    """Staff choose which progress photos the public page shows (all others are hidden again). Returns
    how many are public now."""
    with transaction.atomic():
        p, _kinds = _lock_project(project, ProjectAction.PUBLISH_PHOTOS, actor)
        ids = sorted({getattr(ph, "pk", ph) for ph in public_photos})
        photos = ProgressPhoto.objects.filter(project=p)
        if len(ids) != photos.filter(pk__in=ids).count():
            raise LoopError(_("所选照片不属于本项目。"))
        before = set(photos.filter(is_public=True).values_list("pk", flat=True))
        if before == set(ids):
            return len(ids)
        photos.exclude(pk__in=ids).update(is_public=False)
        shown = photos.filter(pk__in=ids).update(is_public=True)
        _pevent(p, ProjectAction.PUBLISH_PHOTOS, actor, p.state, data={"public": ids, "before": sorted(before)})
    return shown


# ---------------------------------------------------------------------------------------------
# The morning job: milestones due soon and overdue, to the responsible units

MILESTONE_DUE_SOON_WORKDAYS = 3


def send_milestone_alerts(*, today: datetime.date | None = None) -> int:
    """Every working morning, each responsible unit its milestones overdue and due within
    MILESTONE_DUE_SOON_WORKDAYS working days (one message per unit and day), of projects in delivery or
    completed. The key carries the day: a second run the same day sends nothing twice. Returns how many
    notifications were new."""
    from collections import defaultdict

    from core.loops import due_soon_q, overdue_q
    from core.workdays import is_workday

    today = today or timezone.localdate()
    if not is_workday(today):
        return 0
    rows = (Milestone.objects.filter(done_on__isnull=True,
                                     project__state__in=[ProjectState.IMPLEMENTING, ProjectState.COMPLETED])
            .filter(overdue_q("planned_on", today) | due_soon_q("planned_on", today, workdays=MILESTONE_DUE_SOON_WORKDAYS))
            .select_related("project__candidate__unit").order_by("planned_on", "project_id", "sort", "pk"))
    by_unit = defaultdict(lambda: {"overdue": [], "soon": []})
    for m in rows:
        by_unit[m.project.candidate.unit]["overdue" if m.planned_on < today else "soon"].append(m)
    day = f"{today:%Y-%m-%d}"

    def line(m):
        return _("· %(p)s:%(m)s(计划 %(d)s)") % {"p": m.project.candidate.name, "m": m.name,
                                                "d": f"{m.planned_on:%Y-%m-%d}"}

    new = 0
    with transaction.atomic():
        for unit, found in sorted(by_unit.items(), key=lambda kv: kv[0].pk):
            body = "\n".join([_("已逾期:")] * bool(found["overdue"]) + [line(m) for m in found["overdue"]]
                             + [_("即将到期:")] * bool(found["soon"]) + [line(m) for m in found["soon"]])
            new += notify_on_commit(
                key=f"projects.milestone_alert:{day}", kind="projects.milestone_alert", recipients=[unit],
                title=_("民生实事项目节点:逾期 %(o)s 个,即将到期 %(s)s 个") % {
                    "o": len(found["overdue"]), "s": len(found["soon"])},
                body=body[:2000], url=reverse("projects:project_list") + "?milestones=overdue")
    return new
