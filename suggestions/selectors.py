"""Read queries of deputy suggestions: session figures (`manage.py stats --suggestions`, the session
report), the 跟踪 list and the overdue list. Everything is counted in SQL."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.loops import due_soon_q, overdue_q

from .choices import GIVEN_RATINGS, GOOD_RATINGS, REPLYING_ROLES, ConsultationForm, Rating, ReplyClass, State
from .models import Consultation, Evaluation, Session, Suggestion, SuggestionUnit


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


def figure_conditions(p: str = "", pk=None, unit=None) -> dict[str, Q]:
    """Each figure's condition on a suggestion. `p` is the path to the suggestion ("" from Suggestion,
    "suggestion__" from SuggestionUnit), `pk` the reference to its primary key (default OuterRef("pk")),
    `unit` restricts 面商 to one unit's (a HandlingUnit or an OuterRef) as the unit table counts it."""
    pk = OuterRef("pk") if pk is None else pk

    def q(**kw):
        return Q(**{p + k: v for k, v in kw.items()})

    accepted = q(accepted_at__isnull=False)
    answered = q(answered_at__isnull=False)
    met = Consultation.objects.filter(suggestion=pk).exclude(form=ConsultationForm.NONE)
    if unit is not None:
        met = met.filter(unit=unit)

    def first(field, ratings):
        return Q(Exists(Evaluation.objects.filter(suggestion=pk, round=1, deputy_id=OuterRef(p + "lead_deputy_id"),
                                                  **{f"{field}__in": ratings})))

    return {
        "total": q(number__isnull=False), "accepted": accepted,
        "merged": q(state=State.MERGED), "not_accepted": q(state=State.NOT_ACCEPTED),
        "answered": answered, "met": answered & Q(Exists(met)),
        "concluded": accepted & q(state=State.CONCLUDED),
        "replied": accepted & q(replied_on_time__isnull=False), "on_time": accepted & q(replied_on_time=True),
        "work_rated": accepted & q(work_rating__in=GIVEN_RATINGS),
        "work_good": accepted & q(work_rating__in=GOOD_RATINGS),
        "work_unrated": accepted & q(work_rating=Rating.NO_ANSWER),
        "result_rated": accepted & q(result_rating__in=GIVEN_RATINGS),
        "result_good": accepted & q(result_rating__in=GOOD_RATINGS),
        "result_unrated": accepted & q(result_rating=Rating.NO_ANSWER),
        "first_work_rated": first("work_rating", GIVEN_RATINGS), "first_work_good": first("work_rating", GOOD_RATINGS),
        "first_result_rated": first("result_rating", GIVEN_RATINGS),
        "first_result_good": first("result_rating", GOOD_RATINGS),
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
    return qs.filter(figure_conditions(unit=unit)[key])


def session_counts(session: Session) -> dict:
    """Every session figure counted in one query.

    The first-round figures join the lead deputy's round-1 evaluation once (at most one row: one
    evaluation per deputy and round) instead of four subqueries per suggestion; they count exactly what
    `figure_conditions` (the drill-down) lists."""
    qs = Suggestion.objects.filter(session=session).alias(first_eval=FilteredRelation(
        "evaluations", condition=Q(evaluations__round=1, evaluations__deputy_id=F("lead_deputy_id"))))
    conds = figure_conditions()
    for field in ("work", "result"):
        conds[f"first_{field}_rated"] = Q(**{f"first_eval__{field}_rating__in": GIVEN_RATINGS})
        conds[f"first_{field}_good"] = Q(**{f"first_eval__{field}_rating__in": GOOD_RATINGS})
    return qs.aggregate(**{k: Count("pk", filter=c) for k, c in conds.items()})


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
    count of each of UNIT_FIGURES (the same conditions as `figure_queryset(session, key, unit)`)."""
    cond = figure_conditions("suggestion__", pk=OuterRef("suggestion_id"), unit=OuterRef("unit_id"))
    rows = (SuggestionUnit.objects
            .filter(suggestion__session=session, role__in=REPLYING_ROLES, cancelled_at__isnull=True)
            .values("unit_id", "unit__name")
            .annotate(**{k: Count("suggestion", distinct=True, filter=cond[k]) for k in UNIT_FIGURES}))
    out = []
    for r in rows:
        out.append({
            "unit_id": r["unit_id"], "name": r["unit__name"], "total": r["total"], "accepted": r["accepted"],
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
