"""Reads of publicity records: the list, the year's figures, and the points source."""

from __future__ import annotations

from django.db.models import Count, Q

from core.queries import ids_by

from .choices import CITY_UP, PROVINCIAL_UP, Level
from .models import Piece


def piece_list(*, user, year: int | None = None, level: str = "", adopted: str = ""):
    qs = Piece.objects.visible_to(user).select_related("deputy", "group", "area")
    if year:
        qs = qs.filter(date__year=year)
    if level in Level.values:
        qs = qs.filter(level=level)
    if adopted in ("1", "0"):
        qs = qs.filter(adopted=adopted == "1")
    return qs


def years(user) -> list[int]:
    """The years with pieces the user may see, newest first (the year choice of the filters)."""
    return [d.year for d in Piece.objects.visible_to(user).dates("date", "year", order="DESC")]


def year_figures(*, user, year: int) -> dict:
    """The year's figures in the user's scope, as the annual report quotes them: the total, by level with
    how many were taken, taken at provincial level or above and at city level or above — one query —
    and the same by deputy group — a second query."""
    pieces = Piece.objects.visible_to(user).filter(date__year=year)
    adopted = Q(adopted=True)
    sums = {"total": Count("id"), "adopted_count": Count("id", filter=adopted),
            "provincial_up_adopted": Count("id", filter=adopted & Q(level__in=PROVINCIAL_UP)),
            "city_up_adopted": Count("id", filter=adopted & Q(level__in=CITY_UP)),
            "awarded": Count("id", filter=~Q(award=""))}
    for level in Level.values:
        sums[f"{level}_total"] = Count("id", filter=Q(level=level))
        sums[f"{level}_adopted"] = Count("id", filter=adopted & Q(level=level))
    figures = pieces.aggregate(**sums)
    figures["levels"] = [{"level": value, "label": label, "total": figures[f"{value}_total"],
                          "adopted": figures[f"{value}_adopted"]} for value, label in Level.choices]
    figures["groups"] = list(
        pieces.order_by().values("group_id", "group__name")
        .annotate(total=Count("id"), adopted_count=Count("id", filter=adopted),
                  city_up_adopted=Count("id", filter=adopted & Q(level__in=CITY_UP)))
        .order_by("-adopted_count", "-total", "group__name"))
    return figures


def awards(*, user, year: int):
    """The year's prize-winning pieces (获奖情况), newest first."""
    return (Piece.objects.visible_to(user).filter(date__year=year).exclude(award="")
            .select_related("deputy", "group").order_by("-date", "-id"))


def adopted_by_deputy(start, end, activity_kind="") -> dict[int, list[int]]:
    """The points source of 信息宣传被采用: {deputy id: [ids of the deputy's pieces taken and published in
    the range]}, one query."""
    return ids_by(Piece.objects.filter(adopted=True, deputy__isnull=False, date__range=(start, end)), "deputy_id")
