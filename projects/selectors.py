"""List, panel and public queries of the project pages: figures computed in SQL (annotate, Count with
filter), never in Python loops over rows."""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.utils.translation import gettext as _

from .choices import IssueState, Outcome, ProjectState, RoundState
from .models import Candidate, Idea, Issue, IssueEvent, Project, VoteRound


def rounds_for(user):
    """The rounds a user sees, with the figures of issue 12 per year and electorate: ideas collected,
    candidates, places, passed."""
    ideas = Idea.objects.filter(round=OuterRef("pk")).order_by().values("round").annotate(n=Count("id")).values("n")
    return (VoteRound.objects.visible_to(user).select_related("electorate__area")
            .annotate(n_ideas=Subquery(ideas),
                      n_candidates=Count("candidates", distinct=True),
                      n_won=Count("candidates", filter=Q(candidates__outcome=Outcome.WON), distinct=True))
            .order_by("-year", "electorate__area__sort", "id"))


def projects_for(user, today):
    """Passed projects a user sees, with the round, the electorate and the unit their rows show; overdue
    (逾期) when still 实施中 past the planned completion date."""
    return (Project.objects.visible_to(user)
            .select_related("candidate__round__electorate", "candidate__unit")
            .annotate(overdue=ExpressionWrapper(Q(state=ProjectState.IMPLEMENTING, candidate__completes_on__lt=today),
                                         output_field=BooleanField()))
            .order_by("-candidate__round__year", "candidate__round__electorate__area__sort", "candidate__rank", "id"))


def year_figures(user, year: int) -> dict:
    """The home panel's figures of one year across the rounds the user sees."""
    rounds = VoteRound.objects.visible_to(user).filter(year=year)
    projects = Project.objects.visible_to(user).filter(candidate__round__year=year)
    r = rounds.aggregate(rounds=Count("id"), places=Sum("places"))
    p = projects.aggregate(
        total=Count("id"),
        implementing=Count("id", filter=Q(state=ProjectState.IMPLEMENTING)),
        completed=Count("id", filter=Q(state__in=[ProjectState.COMPLETED, ProjectState.ACCEPTED])),
        investment=Sum("candidate__total_investment"), spent=Sum("spent"))
    return {"year": year, "rounds": r["rounds"], "places": r["places"] or 0, **p,
            "candidates": Candidate.objects.filter(round__in=rounds).count()}


def public_candidates(rnd):
    """What the public page shows of a round: name, content, location, investment, unit name, dates,
    and after the close the result; for won candidates the project's progress and grade."""
    return (rnd.candidates.select_related("unit", "project").order_by("rank", "sort", "id")
            if rnd.closed_at else rnd.candidates.select_related("unit").order_by("sort", "id"))


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
        Prefetch("inspections", queryset=p.inspections.model.objects.select_related("recorded_by")),
        Prefetch("issues", queryset=Issue.objects.order_by("state", "due_on", "id").prefetch_related(
            Prefetch("events", queryset=IssueEvent.objects.select_related("actor").order_by("created_at", "id")))))
    return p


def project_figures(p, today) -> dict:
    """Per project (issue 12 "Figures"): investment planned and spent, % progress, open and overdue
    issues, grade. Milestones are not modelled yet: the planned completion date stands for the last one."""
    issues = Issue.objects.filter(project=p).aggregate(
        open=Count("id", filter=~Q(state=IssueState.CLOSED)),
        overdue=Count("id", filter=~Q(state=IssueState.CLOSED) & Q(due_on__lt=today)),
        closed=Count("id", filter=Q(state=IssueState.CLOSED)))
    c = p.candidate
    share = round(p.spent * 100 / c.total_investment) if c.total_investment else None
    return {"planned": c.total_investment, "year_planned": c.year_investment, "spent": p.spent, "spent_share": share,
            "percent": p.percent, "grade": p.get_grade_display() if p.grade else "", **issues}
