"""Read queries of resident reports (the navigation badge, the 群众来信 list's filters and its export, the
figures and the home panel)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Count, F, Q, When

from areas.choices import STAFFED_KINDS

from .choices import FINAL_STATES, NEW_STATES, OPEN_STATES, STAFF_NEW_STATES, Satisfaction, State
from .models import STAFF_ROLES, Report


def new_query(user):
    """Reports waiting for the user in their scope (the 群众来信 badge, `core.nav.NavItem.count_query`):
    new ones, and for staff those transferred to them or waiting for review."""
    states = (*NEW_STATES, *STAFF_NEW_STATES) if user.has_role(*STAFF_ROLES) else NEW_STATES
    return Report.objects.visible_to(user).filter(state__in=states)


# What each figure counts, as aggregates over counted reports (one GROUP BY query per table).
_ON_TIME = Q(accepted_at__isnull=False, accept_due__isnull=False, accepted_at__date__lte=F("accept_due"))
# 未评价 (closed by the job, the window passed) is not a rating: neither satisfied nor in the denominator.
_RATED = ~Q(satisfaction__in=("", Satisfaction.UNRATED))
_UNRATED = Q(satisfaction=Satisfaction.UNRATED)
_PLEASED = Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))


def _measures() -> dict:
    return {"received": Count("id"), "on_time": Count("id", filter=_ON_TIME),
            "closed": Count("id", filter=Q(state__in=FINAL_STATES)),
            "rated": Count("id", filter=_RATED), "pleased": Count("id", filter=_PLEASED),
            "unrated": Count("id", filter=_UNRATED),
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


NO_COUNTS = {"received": 0, "on_time": 0, "closed": 0, "rated": 0, "pleased": 0, "unrated": 0, "review": 0,
             "on_time_rate": None, "satisfaction_rate": None}


def figures(qs) -> dict:
    """Per deputy (代表码), per station (联络站码) and per area (the town-level area; a community's report
    counts for its town), plus the totals: received, accepted on time (first response by accept_due,
    i.e. within RESIDENT_ACCEPT_WORKDAYS), closed (办结 or 不予受理), satisfaction (满意 + 基本满意 of
    those rated; 未评价 — closed by the job when the window passed — apart, in neither). Four queries
    whatever the number of reports."""
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
            "accept_workdays": settings.RESIDENT_ACCEPT_WORKDAYS, "rating_days": settings.RESIDENT_RATING_DAYS}


# ---------------------------------------------------------------------------------------------
# The 群众来信 list's filters (the page, its export and every drill-down link use these)

# ?state=: the tabs of the list.
LIST_STATES = (State.SUBMITTED, State.ACCEPTED, State.TRANSFERRED, State.REVIEW)
# ?measure=: exactly the reports a figure counts (the figures page and the home panel link to them).
MEASURES = {"on_time": _ON_TIME, "closed": Q(state__in=FINAL_STATES), "rated": _RATED, "pleased": _PLEASED,
            "unrated": _UNRATED}
# ?deputy=, ?home=, ?area= (the area and below), ?year= (submitted that year).
DRILL_FILTERS = ("deputy", "home", "area", "year")


def filter_reports(qs, params) -> tuple:
    """`qs` narrowed by the list's query parameters: (queryset, the state tab, {filter: value} of the
    drill-down filters kept). A value that is not one of the choices (or not a number) is ignored."""
    from areas.models import Area

    state = params.get("state", "")
    if state == "closed":
        qs = qs.exclude(state__in=(*OPEN_STATES, State.REVIEW))
    elif state in LIST_STATES:
        qs = qs.filter(state=state)
    else:
        state = ""
    chosen = {}
    for key in DRILL_FILTERS:
        value = params.get(key, "")
        if not value.isdigit() or len(value) > 12:
            continue
        chosen[key] = int(value)
        if key == "deputy":
            qs = qs.filter(code__deputy_id=chosen[key])
        elif key == "home":
            qs = qs.filter(code__home_id=chosen[key])
        elif key == "year":
            qs = qs.filter(submitted_at__year=chosen[key]) if 2000 <= chosen[key] <= 2999 else qs.none()
        else:
            area = Area.objects.filter(pk=chosen[key]).first()
            qs = qs.filter(area__in=Area.objects.subtree(area)) if area else qs.none()
    measure = params.get("measure", "")
    if measure in MEASURES:
        qs = qs.filter(MEASURES[measure])
        chosen["measure"] = measure
    return qs, state, chosen


# ---------------------------------------------------------------------------------------------
# The export (.xlsx): masked unless asked for in full by someone who may


def mask_name(value: str) -> str:
    """王** : the family name only (the resident's name is personal data, PIPL)."""
    value = (value or "").strip()
    return f"{value[0]}{'*' * max(len(value) - 1, 1)}" if value else ""


def export_header() -> list[str]:
    from django.utils.translation import gettext as _

    return [_("回执号"), _("提交时间"), _("状态"), _("问题类别"), _("二维码"), _("所属区划"), _("反映内容"),
            _("地点"), _("姓名"), _("手机号码"), _("受理期限"), _("首次办理时间"), _("按时受理"), _("答复"),
            _("社情民意编号"), _("群众评价"), _("评价意见"), _("评价时间"), _("答复/办结时间")]


def export_rows(qs, *, full: bool = False):
    """One row per report in the list's order; name and phone masked unless `full` (the caller decides
    who may ask for it: audit.privacy). Cells are made safe by core.downloads when written."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from core.text import mask_mobile

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    qs = qs.select_related("code__deputy", "code__home", "area", "item").order_by("-created_at", "-id")
    for r in qs.iterator(chunk_size=2000):
        on_time = ""
        if r.accepted_at and r.accept_due:
            on_time = _("是") if timezone.localdate(r.accepted_at) <= r.accept_due else _("否")
        yield [
            r.receipt_no, when(r.submitted_at), r.get_state_display(), r.get_category_display(),
            f"{r.code.get_kind_display()}:{r.code.target_name}", r.area.full_name if r.area_id else "", r.text,
            r.address, r.name if full else mask_name(r.name), r.phone if full else mask_mobile(r.phone),
            r.accept_due.isoformat() if r.accept_due else "", when(r.accepted_at), on_time, r.public_reply,
            r.item.number if r.item_id else "", r.get_satisfaction_display(), r.rating_comment, when(r.rated_at),
            when(r.closed_at),
        ]


# ---------------------------------------------------------------------------------------------
# The home panel (工作台): this year's figures of the user's scope


def panel_scope(user):
    """(reports, the list filters that open exactly them) of the home panel: staff their figures' scope
    (district, or their area and below), leaders the district (aggregates only), a deputy the reports to
    their own 代表码; (None, None) for anyone else."""
    from accounts.choices import Role

    from .models import FIGURE_ROLES

    if user.has_role(*FIGURE_ROLES):
        scope = Report.objects.figures_for(user)
        if user.is_district_wide:
            return scope, {}
        return scope, {"area": user.area_id} if user.area_id else {}
    deputy = user.deputy_profile if user.has_role(Role.DEPUTY, Role.GROUP_LEADER) else None
    if deputy is not None:
        return Report.objects.filter(code__deputy=deputy), {"deputy": deputy.pk}
    return None, None


def panel_figures(qs, year: int) -> dict:
    """Received, accepted on time, closed, rated, pleased and 未评价 of `qs` submitted in `year`, with
    the rates: one query."""
    return _rates(qs.counted().filter(submitted_at__year=year).aggregate(**_measures()))
