"""Reads for assessments, supervision and performance records: computed in SQL."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import reduce
from operator import or_

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext

from accounts.choices import Role
from activities.choices import ActivityKind, AttendanceStatus
from activities.models import Activity, Attendance
from areas.models import Area
from core.queries import ids_by
from deputies.choices import MandateStatus
from deputies.models import Deputy, Mandate
from groups.models import DeputyGroup, GroupMembership
from petitions.choices import Satisfaction, State
from petitions.models import Item

from .choices import SUGGESTION_BASES, AssessmentStatus, RuleBasis
from .models import AssessmentScore, ScorePart


class _CountDistinct(Func):
    function = "COUNT"
    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def count_of(qs, expr="pk"):
    """A correlated `COUNT(DISTINCT expr)` subquery (0 when nothing matches)."""
    expr = F(expr) if isinstance(expr, str) else expr
    sub = qs.order_by().annotate(_n=_CountDistinct(expr)).values("_n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def half_range(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    return (datetime.date(year, 1, 1), datetime.date(year, 6, 30)) if half == 1 else \
        (datetime.date(year, 7, 1), datetime.date(year, 12, 31))


def months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


# --- What the rules count -------------------------------------------------------------------

def collected_items(start, end):
    """收集数 of DOMAIN.md, by the month the item counts for (计入月份)."""
    return Item.objects.collected().filter(period__range=(start, end))


def satisfied_items(start, end):
    """Items concluded (已办结) and rated 满意 (deemed satisfaction counts as 满意, DOMAIN.md)."""
    return collected_items(start, end).filter(state=State.CLOSED, satisfaction=Satisfaction.SATISFIED)


def attended(start, end, kind: str = ""):
    qs = Attendance.objects.filter(status=AttendanceStatus.ATTENDED, activity__date__range=(start, end))
    return qs.filter(activity__kind=kind) if kind else qs


def absent(start, end, kind: str = ""):
    qs = Attendance.objects.filter(status=AttendanceStatus.ABSENT, activity__date__range=(start, end))
    return qs.filter(activity__kind=kind) if kind else qs


def suggestion_records(basis: str, start, end):
    """(rows, deputy field, suggestion field) of a suggestion basis: 代表建议 registered (登记, numbered)
    between `start` and `end` that the deputy led, or co-signed with a confirmed signature (附议), or led
    and had answered as class A or B (the current answer class)."""
    from suggestions.models import CoSigner, Suggestion

    if basis == RuleBasis.SUGGESTION_COSIGNED:
        return (CoSigner.objects.filter(confirmed_at__isnull=False, suggestion__number__isnull=False,
                                        suggestion__registered_at__date__range=(start, end)),
                "deputy_id", "suggestion_id")
    qs = Suggestion.objects.filter(number__isnull=False, registered_at__date__range=(start, end))
    if basis in (RuleBasis.SUGGESTION_A, RuleBasis.SUGGESTION_B):
        qs = qs.filter(reply_class=basis.removeprefix("suggestion_").upper())
    return qs, "lead_deputy_id", "pk"


def rule_records(rule, year: int) -> dict[int, list[int]]:
    """{deputy_id: [record ids]} for one rule in one year, one query: item ids for item rules,
    activity ids for attendance rules, suggestion ids for suggestion rules."""
    return basis_records(rule.basis, *year_range(year), activity_kind=rule.activity_kind)


def points_of_year(year: int) -> dict[int, tuple[int, list[int]]]:
    """{deputy_id: (whole points, [snapshot ids])}: the deputy's published quarterly points (积分) of the
    year, summed, for the rule basis 年度履职积分. One query."""
    from django.db.models import Sum

    from points.models import Total

    rows = (Total.objects.filter(snapshot__year=year, snapshot__status="published").order_by().values("deputy_id")
            .annotate(s=Sum("total"), ids=ArrayAgg("snapshot_id", order_by="snapshot_id")))
    return {r["deputy_id"]: (max(int(r["s"]), 0), r["ids"]) for r in rows}


def basis_records(basis: str, start, end, *, activity_kind: str = "") -> dict[int, list[int]]:
    """{deputy_id: [record ids]} of one basis between `start` and `end` (dates, inclusive), one query.
    The annual assessment counts a year; the quarterly points (points app) count a quarter."""
    if basis in SUGGESTION_BASES:
        qs, deputy, key = suggestion_records(basis, start, end)
        return ids_by(qs, deputy, key)
    if basis == RuleBasis.RESIDENT_ANSWERED:
        from residents.selectors import answered_records

        return answered_records(start, end)
    if basis == RuleBasis.ITEM_SUBMITTED:
        qs, key = collected_items(start, end), "pk"
    elif basis == RuleBasis.ITEM_SATISFIED:
        qs, key = satisfied_items(start, end), "pk"
    elif basis == RuleBasis.ACTIVITY:
        qs, key = attended(start, end, activity_kind), "activity_id"
    elif basis == RuleBasis.ABSENCE:
        qs, key = absent(start, end, activity_kind), "activity_id"
    else:
        raise ValueError(f"no records for basis {basis!r}")
    return ids_by(qs, "deputy_id", key)


def assessed_deputies(year: int):
    """Deputies who held a mandate in the year (in office, or ended during it), with the area of
    their first such mandate."""
    return deputies_between(*year_range(year))


def deputies_between(start, end):
    """Deputies who held a mandate at some time between `start` and `end`, with the area of their first
    such mandate (`mandate_area_id`)."""
    held = Mandate.objects.filter(deputy=OuterRef("pk")).filter(
        Q(status=MandateStatus.IN_OFFICE) | Q(end_date__gte=start)).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=end))
    return (Deputy.objects.filter(Exists(held))
            .annotate(mandate_area_id=Subquery(held.order_by("id").values("area_id")[:1]))
            .order_by("id"))


def town_of(area_id, areas: dict) -> int | None:
    """The town-level area (镇/街道/开发区) above an area, from a {id: (kind, parent_id)} map."""
    while area_id is not None:
        kind, parent = areas[area_id]
        if kind in ("town", "subdistrict", "zone"):
            return area_id
        area_id = parent
    return None


def area_map() -> dict:
    return {a["id"]: (a["kind"], a["parent_id"]) for a in Area.objects.values("id", "kind", "parent_id")}


# --- Group and area figures (group assessment, half-yearly supervision) ------------------------

def group_figures(groups, start, end):
    items = collected_items(start, end).filter(deputy__memberships__group=OuterRef("pk"))
    return groups.annotate(
        member_count=count_of(GroupMembership.objects.filter(group=OuterRef("pk")), "deputy_id"),
        activity_count=count_of(Activity.objects.filter(organiser_group=OuterRef("pk"), date__range=(start, end))),
        items_submitted=count_of(items),
        items_concluded=count_of(items.filter(state=State.CLOSED)),
        member_months=count_of(items, F("deputy_id") * 100 + ExtractMonth("period")),
    )


def area_figures(areas, start, end):
    """Per town-level area: in-office deputies of its subtree and what they did."""
    def in_area(prefix):
        return (Q(**{f"{prefix}mandates__status": MandateStatus.IN_OFFICE})
                & (Q(**{f"{prefix}mandates__area_id": OuterRef("pk")})
                   | Q(**{f"{prefix}mandates__area__parent_id": OuterRef("pk")})))

    items = collected_items(start, end).filter(in_area("deputy__"))
    organised = (Q(organiser_area_id=OuterRef("pk")) | Q(organiser_area__parent_id=OuterRef("pk"))
                 | Q(organiser_group__area_id=OuterRef("pk")) | Q(organiser_group__area__parent_id=OuterRef("pk")))
    return areas.annotate(
        member_count=count_of(Deputy.objects.filter(in_area(""))),
        activity_count=count_of(Activity.objects.filter(organised, date__range=(start, end))),
        attendance_count=count_of(attended(start, end).filter(in_area("deputy__"))),
        items_submitted=count_of(items),
        items_concluded=count_of(items.filter(state=State.CLOSED)),
        member_months=count_of(items, F("deputy_id") * 100 + ExtractMonth("period")),
    )


def with_rates(rows, months: int) -> list:
    """Adds `submission_rate` (月度报送率, %) and `completion_rate` (办结率, %) to figure rows."""
    out = []
    for row in rows:
        owed = row.member_count * months
        row.submission_rate = round(Decimal(row.member_months * 100) / owed, 1) if owed else None
        row.completion_rate = (round(Decimal(row.items_concluded * 100) / row.items_submitted, 1)
                               if row.items_submitted else None)
        out.append(row)
    return out


def supervision(*, user, year: int, half: int) -> dict:
    """Half-yearly supervision (每半年全面督查): the figures per group and per area, scoped."""
    start, end = half_range(year, half)
    groups = DeputyGroup.objects.visible_to(user).select_related("area").order_by("kind", "sort", "name")
    areas = Area.objects.towns().order_by("sort", "id")
    if not user.is_district_wide:
        areas = areas.filter(pk__in=Area.objects.subtree(user.area).values("pk")) if user.area_id else areas.none()
    months = months_between(start, end)
    return {"start": start, "end": end, "months": months,
            "groups": with_rates(group_figures(groups, start, end), months),
            "areas": with_rates(area_figures(areas, start, end), months)}


# --- Assessment pages --------------------------------------------------------------------------

def score_table(*, assessment, user, area_id=None, near=False, grade=""):
    qs = (AssessmentScore.objects.visible_to(user).filter(assessment=assessment)
          .select_related("area").prefetch_related("parts").order_by("rank", "deputy_name", "id"))
    if area_id:
        qs = qs.filter(area_id=area_id)
    if grade:
        qs = qs.filter(grade=grade)
    if near:
        qs = qs.filter(near_boundary_q(assessment))
    return qs


def near_boundary_q(assessment) -> Q:
    """Within `near_margin` points of a grade's minimum score, or held back by the 优秀 cap."""
    q = Q(capped=True)
    margin = assessment.near_margin
    for g in assessment.grades[:-1]:  # the floor grade has no boundary below it
        low = Decimal(g["min_score"])
        q |= Q(total__gte=low - margin, total__lt=low + margin)
    return q


def grade_counts(scores) -> dict:
    from django.db.models import Count

    return dict(scores.order_by().values_list("grade").annotate(n=Count("pk")).values_list("grade", "n"))


def part_records(part: ScorePart):
    """The records behind one part of a score (the ids stored when it was computed)."""
    if part.basis == RuleBasis.POINTS_YEAR:
        from points.models import Total

        return "points", (Total.objects.filter(snapshot_id__in=part.record_ids, deputy_id=part.score.deputy_id)
                          .select_related("snapshot").order_by("snapshot__quarter"))
    if part.basis in SUGGESTION_BASES:
        from suggestions.models import Suggestion

        return "suggestions", (Suggestion.objects.filter(pk__in=part.record_ids).select_related("session")
                               .order_by("session", "number"))
    if part.basis == RuleBasis.RESIDENT_ANSWERED:
        from residents.models import Report

        return "residents", Report.objects.filter(pk__in=part.record_ids).order_by("submitted_at", "id")
    if part.basis in (RuleBasis.ITEM_SUBMITTED, RuleBasis.ITEM_SATISFIED):
        return "items", Item.objects.filter(pk__in=part.record_ids).select_related("deputy").order_by("period", "id")
    return "activities", (Activity.objects.filter(pk__in=part.record_ids)
                          .select_related("organiser_group", "organiser_area").order_by("date", "id"))


# --- Performance record (履职档案) -------------------------------------------------------------

def term_range(term) -> tuple[datetime.date, datetime.date]:
    start_year = term.start_year or datetime.date.today().year
    end_year = term.end_year or start_year + 4
    return datetime.date(start_year, 1, 1), datetime.date(end_year, 12, 31)


def record(*, deputy, term) -> dict:
    """Everything a deputy did in a term (履职档案): items and their outcomes, activities attended,
    trainings, reception duty, reports to voters, and published assessment results."""
    return records([(deputy, term)])[0]


def records(pairs) -> list[dict]:
    """The performance records (履职档案) of many deputies, each in their own term, in the order given.

    One query per kind of record for the whole set, whatever the number of deputies (批量打印 of a
    whole area); the single record is this with one pair, so the two pages cannot drift apart."""
    from activities.models import ReceptionProblem

    if not pairs:
        return []
    spans = {deputy.pk: term_range(term) for deputy, term in pairs}
    by_span: dict[tuple, list[int]] = defaultdict(list)
    for pk, span in spans.items():
        by_span[span].append(pk)

    def within(date_field: str, deputy_field: str = "deputy_id", year: bool = False) -> Q:
        """Each deputy's rows inside their own term: one OR branch per distinct term span."""
        return reduce(or_, (Q(**{f"{deputy_field}__in": pks,
                                 f"{date_field}__range": (s.year, e.year) if year else (s, e)})
                            for (s, e), pks in by_span.items()))

    def grouped(rows) -> dict[int, list]:
        out: dict[int, list] = defaultdict(list)
        for row in rows:
            out[row.deputy_id].append(row)
        return out

    # Items submitted or co-signed (联名); one item can belong to several records of the batch.
    co = Item.co_deputies.through.objects.filter(item_id=OuterRef("pk"))
    item_rows = (Item.objects.collected()
                 .filter(reduce(or_, (Q(period__range=span) & (Q(deputy_id__in=pks) | Exists(co.filter(deputy_id__in=pks)))
                                      for span, pks in by_span.items())))
                 .annotate(co_ids=ArraySubquery(co.filter(deputy_id__in=list(spans)).values("deputy_id")))
                 .select_related("lead_unit").order_by("period", "id"))
    items: dict[int, list] = defaultdict(list)
    for item in item_rows:
        for pk in dict.fromkeys([item.deputy_id, *item.co_ids]):
            if pk in spans and spans[pk][0] <= item.period <= spans[pk][1]:
                items[pk].append(item)
    no_items = {"submitted": 0, "concluded": 0, "satisfied": 0}
    item_counts = {r.pop("deputy_id"): r for r in Item.objects.collected().filter(within("period")).order_by()
                   .values("deputy_id").annotate(
                       submitted=count_agg("pk"), concluded=count_agg("pk", Q(state=State.CLOSED)),
                       satisfied=count_agg("pk", Q(state=State.CLOSED,
                                                   satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])))}
    in_term = Attendance.objects.filter(within("activity__date"))
    attendances = grouped(in_term.exclude(status=AttendanceStatus.INVITED)
                          .select_related("activity__organiser_group", "activity__organiser_area", "activity__home")
                          .order_by("activity__date", "activity_id"))
    tallies: dict[int, list] = defaultdict(list)  # (kind, status, n) per deputy
    for r in in_term.order_by().values("deputy_id", "activity__kind", "status").annotate(n=count_agg("pk")):
        tallies[r["deputy_id"]].append((r["activity__kind"], r["status"], r["n"]))
    no_problems = {"raised": 0, "solved": 0}
    problems = {r.pop("deputy_id"): r for r in ReceptionProblem.objects.filter(within("activity__date")).order_by()
                .values("deputy_id").annotate(raised=count_agg("pk"), solved=count_agg("pk", _problem_solved()))}
    # 代表建议 registered in the term: led (by answer class) and co-signed (confirmed 附议).
    from suggestions.models import CoSigner, Suggestion

    no_suggestions = {"led": 0, "cosigned": 0, "A": 0, "B": 0, "C": 0, "D": 0}
    suggestion_counts = {r.pop("lead_deputy_id"): r for r in Suggestion.objects.filter(
        within("registered_at__date", "lead_deputy_id")).order_by().values("lead_deputy_id").annotate(
        led=count_agg("pk"), **{c: count_agg("pk", Q(reply_class=c)) for c in "ABCD"})}
    for r in (CoSigner.objects.filter(within("suggestion__registered_at__date"), confirmed_at__isnull=False)
              .order_by().values("deputy_id").annotate(n=count_agg("pk"))):
        suggestion_counts.setdefault(r["deputy_id"], {**no_suggestions, "cosigned": 0})["cosigned"] = r["n"]
    # ... and the suggestions themselves, led or co-signed, in one query for the batch.
    signed = CoSigner.objects.filter(suggestion_id=OuterRef("pk"), confirmed_at__isnull=False)
    suggestion_rows = (Suggestion.objects.filter(number__isnull=False)
                       .filter(reduce(or_, (Q(registered_at__date__range=span)
                                            & (Q(lead_deputy_id__in=pks) | Exists(signed.filter(deputy_id__in=pks)))
                                            for span, pks in by_span.items())))
                       .annotate(co_ids=ArraySubquery(signed.filter(deputy_id__in=list(spans)).values("deputy_id")))
                       .select_related("session").order_by("registered_at", "id"))
    suggestions: dict[int, list] = defaultdict(list)
    for row in suggestion_rows:
        day = timezone.localdate(row.registered_at)
        for pk in dict.fromkeys([row.lead_deputy_id, *row.co_ids]):
            if pk in spans and spans[pk][0] <= day <= spans[pk][1]:
                suggestions[pk].append({"suggestion": row, "led": pk == row.lead_deputy_id})
    # 群众来信 to the deputy's own code, submitted in the term: received, accepted on time, closed, satisfaction.
    from residents.models import Report
    from residents.selectors import NO_COUNTS, deputy_counts

    resident_counts = deputy_counts(Report.objects.filter(within("submitted_at__date", "code__deputy_id")))
    # 民生实事: electronic votes cast, and the supervision groups joined, in the term (issue 12).
    from projects.models import Ballot, SupervisionMember

    votes = dict(Ballot.objects.filter(within("cast_at__date")).order_by().values("deputy_id")
                 .annotate(n=count_agg("pk")).values_list("deputy_id", "n"))
    supervised = dict(SupervisionMember.objects.filter(within("added_at__date")).order_by().values("deputy_id")
                      .annotate(n=count_agg("project_id")).values_list("deputy_id", "n"))
    scores = grouped(AssessmentScore.objects.filter(within("assessment__year", year=True),
                                                    assessment__status=AssessmentStatus.PUBLISHED)
                     .select_related("assessment").order_by("assessment__year", "id"))
    mandates = grouped(Mandate.objects.filter(deputy_id__in=list(spans)).select_related("term", "area")
                       .order_by("term__level", "id"))
    groups = grouped(GroupMembership.objects.filter(deputy_id__in=list(spans)).select_related("group"))

    out = []
    for deputy, term in pairs:
        pk = deputy.pk
        start, end = spans[pk]
        by_kind: dict[str, int] = defaultdict(int)
        status_counts = {"attended": 0, "leave": 0, "absent": 0}
        for kind, status, n in tallies[pk]:
            if status == AttendanceStatus.ATTENDED:
                by_kind[kind] += n
            if status in status_counts:
                status_counts[status] += n
        out.append({
            "deputy": deputy, "term": term, "start": start, "end": end,
            "items": items[pk], "item_counts": item_counts.get(pk, dict(no_items)),
            "attendances": attendances[pk],
            "kinds": [{"kind": k, "label": label, "count": by_kind[k]} for k, label in ActivityKind.choices],
            "status_counts": status_counts,
            "trainings": by_kind[ActivityKind.TRAINING], "receptions": by_kind[ActivityKind.RECEPTION],
            "reports": by_kind[ActivityKind.REPORT], "problems": problems.get(pk, dict(no_problems)),
            "suggestions": {**no_suggestions, **suggestion_counts.get(pk, {})},
            "suggestion_list": suggestions[pk],
            "residents": resident_counts.get(pk, dict(NO_COUNTS)),
            "votes": votes.get(pk, 0), "supervised": supervised.get(pk, 0),
            "scores": scores[pk], "mandates": mandates[pk], "groups": groups[pk],
        })
    return out


def record_batch(*, deputies, term_id: int | None = None) -> list[dict]:
    """The records of a whole group or area (批量打印), in the queryset's order: each deputy in the
    asked term if they held it, otherwise in the first of their terms (as `terms_for` orders them)."""
    deputies = list(deputies)
    terms: dict[int, object] = {}
    held = (Mandate.objects.filter(deputy_id__in=[d.pk for d in deputies]).select_related("term")
            .order_by("deputy_id", *_term_order("term__")))
    for m in held:
        if m.deputy_id not in terms or m.term_id == term_id:
            terms[m.deputy_id] = m.term
    return records([(d, terms[d.pk]) for d in deputies if d.pk in terms])


def count_agg(expr, filter=None):
    from django.db.models import Count

    return Count(expr, filter=filter, distinct=True)


def _problem_solved():
    from activities.links import problem_solved_q

    return problem_solved_q()


def record_deputies(user):
    """Whose performance record a user may open: staff in their scope, everyone their own. A group
    leader sees only their own record (records are for re-nomination and commendation)."""
    if not user.is_authenticated:
        return Deputy.objects.none()
    if user.is_district_wide or user.has_role(Role.AREA_STAFF):
        qs = Deputy.objects.visible_to(user)
        deputy = user.deputy_profile
        return qs | Deputy.objects.filter(pk=deputy.pk) if deputy is not None else qs
    deputy = user.deputy_profile
    return Deputy.objects.filter(pk=deputy.pk) if deputy is not None else Deputy.objects.none()



def notice(*, assessment, area=None) -> dict:
    """What a notice (通报) shows: counts per grade, the best grade's list, every deputy, the groups,
    and for the district a table per area. Read from the frozen rows only."""
    from django.db.models import Count

    scores = assessment.scores.select_related("area").order_by("rank", "deputy_name", "id")
    groups = assessment.group_scores.select_related("area").order_by("-submission_rate", "group_name")
    if area is not None:
        scores = scores.filter(area__in=Area.objects.subtree(area))
        groups = groups.filter(area__in=Area.objects.subtree(area))
    names = [g["name"] for g in assessment.grades]
    counts = grade_counts(scores)
    by_area = []
    if area is None:
        rows = (scores.order_by().values("area_id", "area__name", "area__sort", "grade")
                .annotate(n=Count("pk")).order_by("area__sort", "area_id"))
        table: dict = {}
        for r in rows:
            entry = table.setdefault(r["area_id"], {"name": r["area__name"] or "—", "counts": dict.fromkeys(names, 0)})
            entry["counts"][r["grade"]] = r["n"]
        by_area = [{"name": e["name"], "counts": [e["counts"].get(n, 0) for n in names],
                    "total": sum(e["counts"].values())} for e in table.values()]
    return {
        "area": area, "scores": scores, "groups": groups, "grade_names": names,
        "grade_counts": [(n, counts.get(n, 0)) for n in names], "total": sum(counts.values()),
        "top": [s for s in scores if s.grade_sort == 0], "by_area": by_area,
    }


def issuer() -> str:
    """The issuing body printed on notices and records, e.g. 相山区人大常委会 (from the area tree)."""
    district = Area.objects.filter(kind="district").order_by("id").first()
    return gettext("%(district)s人大常委会") % {"district": district.name} if district else gettext("人大常委会")


def _term_order(prefix: str = "") -> list:
    """District level first (this is a district system), current before past, newest first."""
    from django.db.models import Case, When

    level = Case(When(**{f"{prefix}level": "district"}, then=0), When(**{f"{prefix}level": "town"}, then=1),
                 default=2, output_field=IntegerField())
    return [F(f"{prefix}is_current").desc(), level, F(f"{prefix}number").desc()]


def terms_for(deputy):
    """A deputy's terms, the district level first (this is a district system), current before past."""
    from deputies.models import CongressTerm

    return CongressTerm.objects.filter(mandates__deputy=deputy).distinct().order_by(*_term_order())
