"""List, panel and public queries of the project pages: figures computed in SQL (annotate, Count with
filter), never in Python loops over rows."""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .choices import IssueState, Outcome, ProjectState, RoundState
from .models import (
    Candidate,
    Idea,
    InspectionPhoto,
    Issue,
    IssueEvent,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    Project,
    VoteRound,
)


def rounds_for(user):
    """The rounds a user sees, with the figures of issue 12 per year and electorate: ideas collected,
    candidates, places, passed."""
    ideas = Idea.objects.filter(round=OuterRef("pk")).order_by().values("round").annotate(n=Count("id")).values("n")
    return (VoteRound.objects.visible_to(user).select_related("electorate__area")
            .annotate(n_ideas=Subquery(ideas),
                      n_candidates=Count("candidates", distinct=True),
                      n_won=Count("candidates", filter=Q(candidates__outcome=Outcome.WON), distinct=True))
            .order_by("-year", "electorate__area__sort", "id"))


def _count(qs, field="project"):
    """A correlated COUNT over `qs` per outer project (0 when none), for annotate()."""
    return Coalesce(Subquery(qs.filter(**{field: OuterRef("pk")}).order_by().values(field)
                             .annotate(n=Count("id")).values("n")), Value(0))


def _overdue_milestones(today):
    return _count(Milestone.objects.overdue(today))


def _open_issues():
    return _count(Issue.objects.exclude(state=IssueState.CLOSED))


def projects_for(user, today, *, milestones_overdue: bool = False, year: int | None = None):
    """Passed projects a user sees, with the round, the electorate and the unit their rows show; overdue
    (逾期) when still 实施中 past the planned completion date; the counts of overdue milestones and open
    issues per row (two correlated subqueries, whatever the number of rows)."""
    qs = (Project.objects.visible_to(user)
          .select_related("candidate__round__electorate", "candidate__unit")
          .annotate(overdue=ExpressionWrapper(Q(state=ProjectState.IMPLEMENTING, candidate__completes_on__lt=today),
                                              output_field=BooleanField()),
                    n_overdue_milestones=_overdue_milestones(today), n_open_issues=_open_issues()))
    if milestones_overdue:
        qs = qs.filter(n_overdue_milestones__gt=0)
    if year:
        qs = qs.filter(candidate__round__year=year)
    return qs.order_by("-candidate__round__year", "candidate__round__electorate__area__sort", "candidate__rank", "id")


ISSUE_ORDER = Case(When(state=IssueState.OPEN, then=Value(0)), When(state=IssueState.FIXED, then=Value(1)),
                   default=Value(2))


def issues_for(user, today, *, state: str = "", year: int | None = None):
    """The issues to fix (问题清单) of the projects a user sees — a unit's: those of every project it is
    responsible for — open first (待整改, 已整改, 已销号), then by due date; overdue flagged in SQL.
    `state`: a state, "pending" (not 已销号) or "overdue"."""
    qs = (Issue.objects.visible_to(user)
          .select_related("project__candidate__round__electorate", "project__candidate__unit")
          .annotate(overdue=ExpressionWrapper(~Q(state=IssueState.CLOSED) & Q(due_on__lt=today),
                                              output_field=BooleanField()), state_order=ISSUE_ORDER))
    if state in IssueState.values:
        qs = qs.filter(state=state)
    elif state == "pending":
        qs = qs.exclude(state=IssueState.CLOSED)
    elif state == "overdue":
        qs = qs.overdue(today)
    if year is not None:
        qs = qs.filter(project__candidate__round__year=year)
    return qs.order_by("state_order", "due_on", "id")


def year_figures(user, year: int, today) -> dict:
    """The home panel's figures of one year across the rounds the user sees, with the overdue milestones
    and the open (not 已销号) issues of its projects."""
    rounds = VoteRound.objects.visible_to(user).filter(year=year)
    projects = Project.objects.visible_to(user).filter(candidate__round__year=year)
    r = rounds.aggregate(rounds=Count("id"), places=Sum("places"))
    p = projects.aggregate(
        total=Count("id"),
        implementing=Count("id", filter=Q(state=ProjectState.IMPLEMENTING)),
        completed=Count("id", filter=Q(state__in=[ProjectState.COMPLETED, ProjectState.ACCEPTED])),
        investment=Sum("candidate__total_investment"), spent=Sum("spent"))
    return {"year": year, "rounds": r["rounds"], "places": r["places"] or 0, **p,
            "candidates": Candidate.objects.filter(round__in=rounds).count(),
            "overdue_milestones": Milestone.objects.overdue(today).filter(project__in=projects).count(),
            "open_issues": Issue.objects.exclude(state=IssueState.CLOSED).filter(project__in=projects).count()}


def public_candidates(rnd):
    """What the public page shows of a round: name, content, location, investment, unit name, dates,
    and after the close the result; for won candidates the project's progress and grade."""
    if not rnd.closed_at:
        return rnd.candidates.select_related("unit").order_by("sort", "id")
    return (rnd.candidates.select_related("unit", "project").order_by("rank", "sort", "id").prefetch_related(
        Prefetch("project__milestones", queryset=Milestone.objects.order_by("sort", "planned_on", "id")),
        # Only the photos staff marked public: the page never holds another one.
        Prefetch("project__progress_photos", queryset=ProgressPhoto.objects.filter(is_public=True).order_by("id"),
                 to_attr="public_photos")))


def round_figures(rnd) -> dict:
    """Per year and electorate (issue 12 "Figures"): ideas collected, candidates, places, passed — two
    aggregate queries whatever the number of rows."""
    ideas = Idea.objects.filter(round=rnd).aggregate(
        ideas=Count("id"), masters=Count("id", filter=Q(merged_into__isnull=True)))
    c = Candidate.objects.filter(round=rnd).aggregate(
        candidates=Count("id"), passed=Count("id", filter=~Q(outcome=Outcome.FAILED) & ~Q(outcome="")),
        won=Count("id", filter=Q(outcome=Outcome.WON)))
    return {**ideas, **c, "places": rnd.places}


def tag_counts(rnd) -> list[tuple[str, int]]:
    """(tag, ideas with it) of a round, most used first, counted in SQL over the split tags."""
    sql = (f"SELECT t.tag, COUNT(*) FROM {Idea._meta.db_table} i, "
           "unnest(string_to_array(i.tags, %s)) AS t(tag) WHERE i.round_id = %s AND t.tag <> '' "
           "GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag")
    with connection.cursor() as cursor:
        cursor.execute(sql, ["、", rnd.pk])
        return [(tag, n) for tag, n in cursor.fetchall()]


def idea_summary(rnd) -> dict:
    """The published summary of the call (征集情况): counts by tag, and each idea's receipt, title and what
    became of it (merged into …, became candidate …, not adopted). Nothing personal: no submitter, no
    body, no opinion item. A fixed number of queries."""
    ideas = list(Idea.objects.filter(round=rnd).select_related("merged_into").prefetch_related(
        Prefetch("candidates", queryset=Candidate.objects.order_by("sort", "id"))).order_by("receipt"))
    by_pk = {i.pk: i for i in ideas}
    children: dict[int, list] = {}
    for i in ideas:
        if i.merged_into_id:
            children.setdefault(i.merged_into_id, []).append(i)
    decided = rnd.state != RoundState.COLLECTING
    untagged = 0
    for i in ideas:
        i.round = rnd  # receipt numbers without a query per row
        master = by_pk.get(i.merged_into_id) if i.merged_into_id else None
        if master is not None:
            master.round = rnd
        i.master = master
        i.merged_list = children.get(i.pk, [])
        source = master or i
        i.became = list(source.candidates.all())
        if master is not None:
            i.fate = _("已并入")
        elif i.became:
            i.fate = _("转为候选项目")
        elif decided:
            i.fate = _("未采纳")
        else:
            i.fate = _("研究中")
        untagged += not i.tags
    return {"ideas": ideas, "tags": tag_counts(rnd), "untagged": untagged, "closed": rnd.state == RoundState.CLOSED}


def project_supervision(p):
    """The project with its supervision group, inspections and issues (with their events) loaded in a
    fixed number of queries."""
    prefetch_related_objects(
        [p], Prefetch("supervisors", queryset=p.supervisors.model.objects.select_related("deputy").order_by(
            "role", "id")),
        Prefetch("inspections", queryset=p.inspections.model.objects.select_related("recorded_by").prefetch_related(
            Prefetch("photos", queryset=InspectionPhoto.objects.order_by("id")))),
        Prefetch("reports", queryset=ProgressReport.objects.select_related("reported_by").prefetch_related(
            Prefetch("photos", queryset=ProgressPhoto.objects.order_by("id")))),
        Prefetch("milestones", queryset=Milestone.objects.order_by("sort", "planned_on", "id")),
        Prefetch("issues", queryset=Issue.objects.order_by("state", "due_on", "id").prefetch_related(
            Prefetch("events", queryset=IssueEvent.objects.select_related("actor").order_by("created_at", "id")))))
    return p


def project_figures(p, today) -> dict:
    """Per project (issue 12 "Figures"): investment planned and spent, % progress, milestones (done and
    overdue), open and overdue issues, grade."""
    issues = Issue.objects.filter(project=p).aggregate(
        open=Count("id", filter=~Q(state=IssueState.CLOSED)),
        overdue=Count("id", filter=~Q(state=IssueState.CLOSED) & Q(due_on__lt=today)),
        closed=Count("id", filter=Q(state=IssueState.CLOSED)))
    milestones = Milestone.objects.filter(project=p).aggregate(
        milestones=Count("id"), milestones_done=Count("id", filter=Q(done_on__isnull=False)),
        milestones_overdue=Count("id", filter=Q(done_on__isnull=True, planned_on__lt=today)))
    c = p.candidate
    share = round(p.spent * 100 / c.total_investment) if c.total_investment else None
    return {"planned": c.total_investment, "year_planned": c.year_investment, "spent": p.spent, "spent_share": share,
            "percent": p.percent, "grade": p.get_grade_display() if p.grade else "", **issues, **milestones}
