"""List, panel and public queries of the project pages: figures computed in SQL (annotate, Count with
filter), never in Python loops over rows."""

from __future__ import annotations

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery, Sum

from .choices import Outcome, ProjectState
from .models import Candidate, Idea, Project, VoteRound


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
