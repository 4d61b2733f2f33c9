"""Read queries of deputy suggestions: session figures (`manage.py stats --suggestions`, the session
report), the 跟踪 list and the overdue list. Everything is counted in SQL."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.loops import due_soon_q, overdue_q
from units.models import HandlingUnit

from .choices import GIVEN_RATINGS, GOOD_RATINGS, REPLYING_ROLES, ConsultationForm, Rating, ReplyClass, State
from .models import Consultation, Session, Suggestion, SuggestionUnit


def _rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to divide by."""
    return round(part * 100.0 / whole, 1) if whole else None


# The figures of the session report, each defined once as a condition on a suggestion (used both to
# count it and to list exactly the counted suggestions: the report's drill-down, `?figure=<key>`).
FIGURE_LABELS = {
    "total": _("登记"), "accepted": _("立案"), "merged": _("并案"), "not_accepted": _("不予立案"),
    "answered": _("已答复"), "met": _("已答复且面商"), "concluded": _("办结"),
    "replied": _("首轮已答复"), "on_time": _("按期答复"),
    "work_rated": _("办理工作已评价"), "work_good": _("办理工作满意或基本满意"), "work_unrated": _("办理工作未表态"),
    "result_rated": _("办理结果已评价"), "result_good": _("办理结果满意或基本满意"),
    "result_unrated": _("办理结果未表态"),
    "first_work_rated": _("首轮办理工作已评价"), "first_work_good": _("首轮办理工作满意或基本满意"),
    "first_result_rated": _("首轮办理结果已评价"), "first_result_good": _("首轮办理结果满意或基本满意"),
    **{f"class_{c}": format_lazy("{} {}", c, _("类")) for c in ReplyClass.values},
    "rehandled": _("重新办理"), "tracking": _("跟踪落实(B/C)"), "supervised": _("两次不满意转督办"),
}
# Figures shown per unit in the report's unit table (the others are per session only).
UNIT_FIGURES = ("total", "accepted", "merged", "not_accepted", "answered", "met", "concluded", "replied",
                "on_time", "work_rated", "work_good", "work_unrated", "result_rated", "result_good",
                "result_unrated", *(f"class_{c}" for c in ReplyClass.values))


def figure_conditions(p: str = "", pk=None, unit=None, session=None) -> dict[str, Q]:
    """Each figure's condition on a suggestion. `p` is the path to the suggestion ("" from Suggestion,
    "suggestion__" from SuggestionUnit), `pk` the reference to its primary key (default OuterRef("pk")),
    `unit` restricts 面商 to one unit's (a HandlingUnit, an OuterRef or the unit table's column) as the
    unit table counts it; `session`, the suggestions' session, lets 面商 be read from that session's
    entries of `sugg_consult_met` (a record's session is its suggestion's: the same condition)."""
    pk = OuterRef("pk") if pk is None else pk

    def q(**kw):
        return Q(**{p + k: v for k, v in kw.items()})

    accepted = q(accepted_at__isnull=False)
    answered = q(answered_at__isnull=False)
    met = Consultation.objects.exclude(form=ConsultationForm.NONE)
    if session is not None:
        met = met.filter(session=session)
    if session is not None and unit is None:
        # The session's 面商 read once and probed by hash (`IN`, uncorrelated), not one index probe per
        # suggestion: the session report's headline at 5,000 suggestions, 18 → 7 ms.
        met = q(pk__in=met.values("suggestion_id"))
    else:
        if unit is not None:
            met = met.filter(unit=unit)
        met = Q(Exists(met.filter(suggestion=pk)))

    return {
        "total": q(number__isnull=False), "accepted": accepted,
        "merged": q(state=State.MERGED), "not_accepted": q(state=State.NOT_ACCEPTED),
        "answered": answered, "met": answered & met,
        "concluded": accepted & q(state=State.CONCLUDED),
        "replied": accepted & q(replied_on_time__isnull=False), "on_time": accepted & q(replied_on_time=True),
        "work_rated": accepted & q(work_rating__in=GIVEN_RATINGS),
        "work_good": accepted & q(work_rating__in=GOOD_RATINGS),
        "work_unrated": accepted & q(work_rating=Rating.NO_ANSWER),
        "result_rated": accepted & q(result_rating__in=GIVEN_RATINGS),
        "result_good": accepted & q(result_rating__in=GOOD_RATINGS),
        "result_unrated": accepted & q(result_rating=Rating.NO_ANSWER),
        # The lead deputy's round-1 evaluation, as the doors copy it onto the suggestion.
        "first_work_rated": q(first_work_rating__in=GIVEN_RATINGS), "first_work_good": q(first_work_rating__in=GOOD_RATINGS),
        "first_result_rated": q(first_result_rating__in=GIVEN_RATINGS),
        "first_result_good": q(first_result_rating__in=GOOD_RATINGS),
        **{f"class_{c}": accepted & q(reply_class=c) for c in ReplyClass.values},
        "rehandled": q(handling_round__gt=1), "tracking": q(tracking=True), "supervised": q(supervised=True),
    }


def replying_unit_q(unit) -> Q:
    """Suggestions `unit` replies to in any round (lead or 分办, not cancelled): the unit table's rows."""
    return Q(Exists(SuggestionUnit.objects.filter(suggestion=OuterRef("pk"), unit=unit, role__in=REPLYING_ROLES,
                                                  cancelled_at__isnull=True)))


def figure_queryset(session: Session, key: str, unit=None):
    """Exactly the suggestions figure `key` of the session (or of one unit's row) counts."""
    qs = Suggestion.objects.filter(session=session)
    if unit is not None:
        qs = qs.filter(replying_unit_q(unit))
    # 面商 from every record, not only the session's entries: the drill-down also checks the copied session.
    return qs.filter(figure_conditions(unit=unit)[key])


def session_counts(session: Session) -> dict:
    """Every session figure counted in one query over the session's suggestions alone (the first-round
    figures read the ratings the doors copy onto the suggestion; 面商 one probe of `sugg_consult_met`), with
    exactly the conditions the drill-down (`figure_conditions`) lists."""
    return (Suggestion.objects.filter(session=session)
            .aggregate(**{k: Count("pk", filter=c) for k, c in figure_conditions(session=session).items()}))


def session_stats(session: Session, *, counts: dict | None = None, units: list | None = None) -> dict:
    """The figures of one session: the keys `manage.py stats --suggestions --json` promises.

    total: registered (numbered); accepted: 立案; concluded: 办结 of the accepted; completion_rate:
    办结/立案; satisfaction of each dimension: (满意+基本满意)/rated, 未表态 not rated; classes: the answers'
    A/B/C/D; on_time_rate: first-round replies on time / first-round replies; units: per replying unit
    (lead or 分办), lowest completion first. `counts` (`session_counts`) and `units` (`unit_report`), when
    the caller has them already, are not counted again."""
    counts = session_counts(session) if counts is None else counts
    return {
        "total": counts["total"],
        "accepted": counts["accepted"],
        "concluded": counts["concluded"],
        "completion_rate": _rate(counts["concluded"], counts["accepted"]),
        "work_satisfaction_rate": _rate(counts["work_good"], counts["work_rated"]),
        "result_satisfaction_rate": _rate(counts["result_good"], counts["result_rated"]),
        "classes": {c: counts[f"class_{c}"] for c in ReplyClass.values},
        "on_time_rate": _rate(counts["on_time"], counts["replied"]),
        "units": unit_stats(session, units),
    }


def unit_stats(session: Session, units: list | None = None) -> list[dict]:
    """Per replying unit of the session: suggestions assigned (any round), concluded, completion rate;
    lowest completion first (then by name)."""
    units = unit_report(session) if units is None else units
    return [{"name": u["name"], "assigned": u["accepted"], "concluded": u["concluded"],
             "completion_rate": u["completion_rate"]} for u in units if u["accepted"]]


def tracking_list(user):
    """B/C answers whose planned measures are not reported done (跟踪清单), in the user's scope."""
    return (Suggestion.objects.visible_to(user).filter(tracking=True)
            .select_related("session", "lead_deputy").order_by("session", "number"))


def overdue(user, today: datetime.date):
    """Suggestions being handled past their reply due date, in the user's scope."""
    return (Suggestion.objects.visible_to(user).filter(Q(state=State.HANDLING) & overdue_q("reply_due", today))
            .select_related("session", "lead_deputy").order_by("reply_due", "pk"))


def due_soon(user, today: datetime.date, *, workdays: int = 3):
    """Suggestions being handled whose reply is due within `workdays` working days (即将逾期)."""
    return (Suggestion.objects.visible_to(user).filter(Q(state=State.HANDLING) & due_soon_q("reply_due", today,
                                                                                           workdays=workdays))
            .select_related("session", "lead_deputy").order_by("reply_due", "pk"))


# Answered states whose reply may be published (公开).
PUBLISHABLE_STATES = (State.ANSWERED, State.CONCLUDED)


def public_replies(session: Session, today: datetime.date):
    """What the session's public page may show (公开): replies the deputy received at least
    `disclosure_workdays` working days ago (``disclose_after`` reached), with the deputy's consent and
    not marked 不公开 by staff. The page renders only public fields (number, title, lead deputy, units,
    class, reply), never contacts."""
    return (Suggestion.objects.filter(session=session, state__in=PUBLISHABLE_STATES, consent_public=True,
                                      withheld_by_staff=False, disclose_after__lte=today)
            .select_related("session", "lead_deputy").order_by("number"))


def session_report(session: Session, *, counts: dict | None = None) -> dict:
    """The session report's further figures (issue 11 "Figures"), beside `session_stats`: 立案 / 并案 /
    不予立案, answered, 见面率 (answered suggestions with a 面商 other than 未沟通), first-round
    satisfaction of each dimension (the lead deputy's first rating) against the final one, re-handled,
    open B/C (跟踪), 未表态 apart, and the suggestions gone to 督办 after a second 不满意. `counts` holds
    every figure's raw count (keys of FIGURE_LABELS) for the drill-down links."""
    counts = session_counts(session) if counts is None else counts
    return {
        "merged": counts["merged"], "not_accepted": counts["not_accepted"], "answered": counts["answered"],
        "meeting_rate": _rate(counts["met"], counts["answered"]),
        "first_work_satisfaction_rate": _rate(counts["first_work_good"], counts["first_work_rated"]),
        "first_result_satisfaction_rate": _rate(counts["first_result_good"], counts["first_result_rated"]),
        "rehandled": counts["rehandled"], "tracking": counts["tracking"],
        "work_unrated": counts["work_unrated"], "result_unrated": counts["result_unrated"],
        "counts": counts,
        "supervised": list(Suggestion.objects.filter(session=session, supervised=True)
                           .select_related("session", "lead_deputy").order_by("number")),
    }


def unit_report(session: Session) -> list[dict]:
    """The session report's table per replying unit (lead or 分办, any round, not cancelled), lowest
    completion first (then by name), in one grouped query: total, 立案, 并案, 不予立案, answered, 办结,
    办结率, A/B/C/D, on-time reply rate, 见面率 (answered with this unit's 面商 other than 未沟通) and the
    satisfaction of each dimension ((满意+基本满意)/rated; 未表态 not rated). `counts` holds the row's raw
    count of each of UNIT_FIGURES (the same conditions as `figure_queryset(session, key, unit)`).

    The query reads the session's distinct (suggestion, unit) pairs from `sugg_unit_session_replying`
    (a unit counts a suggestion once whatever its rounds), joins each pair's suggestion once, laterally,
    where `figure_conditions` (with the pair's unit for 面商) becomes one flag per figure, and counts the
    flags per unit: no COUNT(DISTINCT …), no scan of other sessions' rows."""
    qn = connection.ops.quote_name
    pairs = (SuggestionUnit.objects.filter(session=session, role__in=REPLYING_ROLES, cancelled_at__isnull=True)
             .order_by().values("suggestion_id", "unit_id").distinct())
    cond = figure_conditions(unit=RawSQL(f"{qn('pairs')}.{qn('unit_id')}", ()), session=session)
    flags = (Suggestion.objects.filter(pk=RawSQL(f"{qn('pairs')}.{qn('suggestion_id')}", ()))
             .order_by().values(**{f"is_{k}": ExpressionWrapper(cond[k], output_field=BooleanField())
                                   for k in UNIT_FIGURES}))
    pairs_sql, pairs_params = pairs.query.sql_with_params()
    flags_sql, flags_params = flags.query.sql_with_params()
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {qn('flags')}.{qn('is_' + k)})" for k in UNIT_FIGURES)
    unit_table = qn(HandlingUnit._meta.db_table)
    sql = (f"SELECT {qn('pairs')}.{qn('unit_id')}, {unit_table}.{qn('name')}, {counts} "
           f"FROM ({pairs_sql}) {qn('pairs')} "
           f"INNER JOIN {unit_table} ON ({unit_table}.{qn('id')} = {qn('pairs')}.{qn('unit_id')}) "
           f"CROSS JOIN LATERAL ({flags_sql}) {qn('flags')} "
           f"GROUP BY 1, 2")
    with connection.cursor() as cursor:
        cursor.execute(sql, (*pairs_params, *flags_params))
        rows = [(unit_id, name, dict(zip(UNIT_FIGURES, n, strict=True))) for unit_id, name, *n in cursor.fetchall()]
    out = []
    for unit_id, name, r in rows:
        out.append({
            "unit_id": unit_id, "name": name, "total": r["total"], "accepted": r["accepted"],
            "merged": r["merged"], "not_accepted": r["not_accepted"], "answered": r["answered"],
            "concluded": r["concluded"], "completion_rate": _rate(r["concluded"], r["accepted"]),
            "classes": [(c, r[f"class_{c}"]) for c in ReplyClass.values],
            "on_time_rate": _rate(r["on_time"], r["replied"]),
            "meeting_rate": _rate(r["met"], r["answered"]),
            "work_satisfaction_rate": _rate(r["work_good"], r["work_rated"]),
            "result_satisfaction_rate": _rate(r["result_good"], r["result_rated"]),
            "work_unrated": r["work_unrated"], "result_unrated": r["result_unrated"],
            "counts": {k: r[k] for k in UNIT_FIGURES},
        })
    out.sort(key=lambda u: (u["completion_rate"] if u["completion_rate"] is not None else -1.0, u["name"]))
    return out
