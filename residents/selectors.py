"""Read queries of resident reports (the navigation badge, the figures)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Count, F, Q, When

from areas.choices import STAFFED_KINDS

from .choices import FINAL_STATES, NEW_STATES, STAFF_NEW_STATES, Satisfaction, State
from .models import STAFF_ROLES, Report


def new_query(user):
    """Reports waiting for the user in their scope (the 群众来信 badge, `core.nav.NavItem.count_query`):
    new ones, and for staff those transferred to them or waiting for review."""
    states = (*NEW_STATES, *STAFF_NEW_STATES) if user.has_role(*STAFF_ROLES) else NEW_STATES
    return Report.objects.visible_to(user).filter(state__in=states)


# What each figure counts, as aggregates over counted reports (one GROUP BY query per table).
_ON_TIME = Q(accepted_at__isnull=False, accept_due__isnull=False, accepted_at__date__lte=F("accept_due"))
_RATED = ~Q(satisfaction="")
_PLEASED = Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))


def _measures() -> dict:
    return {"received": Count("id"), "on_time": Count("id", filter=_ON_TIME),
            "closed": Count("id", filter=Q(state__in=FINAL_STATES)),
            "rated": Count("id", filter=_RATED), "pleased": Count("id", filter=_PLEASED),
            "review": Count("id", filter=Q(state=State.REVIEW))}


def _rates(row: dict, id_key: str = "", name_key: str = "") -> dict:
    if id_key:
        row["id"], row["name"] = row.pop(id_key), row.pop(name_key)
    row["on_time_rate"] = round(100 * row["on_time"] / row["received"]) if row["received"] else None
    row["satisfaction_rate"] = round(100 * row["pleased"] / row["rated"]) if row["rated"] else None
    return row


def deputy_counts(qs) -> dict[int, dict]:
    """The figures of each deputy's own code (代表码) over `qs`: {deputy id: received, on time, closed,
    rated, pleased and the two rates}, one query (the 履职档案 of a batch of deputies)."""
    rows = (qs.counted().filter(code__deputy__isnull=False).order_by().values("code__deputy_id")
            .annotate(**_measures()))
    return {r.pop("code__deputy_id"): _rates(r) for r in rows}


def answered_records(start, end) -> dict[int, list[int]]:
    """{deputy id: [report ids]} of reports to the deputy's own code answered, or turned into an opinion
    item, between `start` and `end` (dates): what the points and the annual assessment count, one query."""
    from core.queries import ids_by

    from .choices import Action
    from .models import ReportEvent

    return ids_by(ReportEvent.objects.filter(action__in=(Action.ANSWER, Action.CONVERT),
                                             created_at__date__range=(start, end), report__code__deputy_id__isnull=False),
                  "report__code__deputy_id", "report_id")


NO_COUNTS = {"received": 0, "on_time": 0, "closed": 0, "rated": 0, "pleased": 0, "review": 0, "on_time_rate": None,
             "satisfaction_rate": None}


def figures(qs) -> dict:
    """Per deputy (代表码), per station (联络站码) and per area (the town-level area; a community's report
    counts for its town), plus the totals: received, accepted on time (first response by accept_due,
    i.e. within RESIDENT_ACCEPT_WORKDAYS), closed (办结 or 不予受理), satisfaction (满意 + 基本满意 of
    those rated). Four queries whatever the number of reports."""
    qs = qs.counted()
    m = _measures()
    deputies = (qs.filter(code__deputy__isnull=False).values("code__deputy_id", "code__deputy__name")
                .annotate(**m).order_by("-received", "code__deputy__name"))
    stations = (qs.filter(code__home__isnull=False).values("code__home_id", "code__home__name")
                .annotate(**m).order_by("-received", "code__home__name"))
    areas = (qs.annotate(
        town_id=Case(When(area__kind__in=STAFFED_KINDS, then=F("area_id")), default=F("area__parent_id")),
        town_name=Case(When(area__kind__in=STAFFED_KINDS, then=F("area__name")), default=F("area__parent__name")))
        .values("town_id", "town_name").annotate(**m).order_by("-received", "town_name"))
    return {"deputies": [_rates(r, "code__deputy_id", "code__deputy__name") for r in deputies],
            "stations": [_rates(r, "code__home_id", "code__home__name") for r in stations],
            "areas": [_rates(r, "town_id", "town_name") for r in areas], "total": _rates(qs.aggregate(**m)),
            "accept_workdays": settings.RESIDENT_ACCEPT_WORKDAYS}
