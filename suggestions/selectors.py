"""Read queries of deputy suggestions: session figures (`manage.py stats --suggestions`, the session
report), the 跟踪 list and the overdue list. Everything is counted in SQL."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q

from core.loops import due_soon_q, overdue_q

from .choices import GIVEN_RATINGS, GOOD_RATINGS, REPLYING_ROLES, ConsultationForm, ReplyClass, State
from .models import Consultation, Evaluation, Session, Suggestion, SuggestionUnit


def _rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to divide by."""
    return round(part * 100.0 / whole, 1) if whole else None


def session_stats(session: Session) -> dict:
    """The figures of one session: the keys `manage.py stats --suggestions --json` promises.

    total: registered (numbered); accepted: 立案; concluded: 办结 of the accepted; completion_rate:
    办结/立案; satisfaction of each dimension: (满意+基本满意)/rated, 未表态 not rated; classes: the answers'
    A/B/C/D; on_time_rate: first-round replies on time / first-round replies; units: per replying unit
    (lead or 分办), lowest completion first."""
    accepted = Q(accepted_at__isnull=False)
    concluded = accepted & Q(state=State.CONCLUDED)
    counts = Suggestion.objects.filter(session=session).aggregate(
        total=Count("pk", filter=Q(number__isnull=False)),
        accepted=Count("pk", filter=accepted),
        concluded=Count("pk", filter=concluded),
        work_rated=Count("pk", filter=accepted & Q(work_rating__in=GIVEN_RATINGS)),
        work_good=Count("pk", filter=accepted & Q(work_rating__in=GOOD_RATINGS)),
        result_rated=Count("pk", filter=accepted & Q(result_rating__in=GIVEN_RATINGS)),
        result_good=Count("pk", filter=accepted & Q(result_rating__in=GOOD_RATINGS)),
        replied=Count("pk", filter=accepted & Q(replied_on_time__isnull=False)),
        on_time=Count("pk", filter=accepted & Q(replied_on_time=True)),
        **{f"class_{c}": Count("pk", filter=accepted & Q(reply_class=c)) for c in ReplyClass.values},
    )
    return {
        "total": counts["total"],
        "accepted": counts["accepted"],
        "concluded": counts["concluded"],
        "completion_rate": _rate(counts["concluded"], counts["accepted"]),
        "work_satisfaction_rate": _rate(counts["work_good"], counts["work_rated"]),
        "result_satisfaction_rate": _rate(counts["result_good"], counts["result_rated"]),
        "classes": {c: counts[f"class_{c}"] for c in ReplyClass.values},
        "on_time_rate": _rate(counts["on_time"], counts["replied"]),
        "units": unit_stats(session),
    }


def unit_stats(session: Session) -> list[dict]:
    """Per replying unit of the session: suggestions assigned (any round), concluded, completion rate;
    lowest completion first (then by name)."""
    rows = (SuggestionUnit.objects
            .filter(suggestion__session=session, role__in=REPLYING_ROLES, cancelled_at__isnull=True,
                    suggestion__accepted_at__isnull=False)
            .values("unit__name")
            .annotate(assigned=Count("suggestion", distinct=True),
                      concluded=Count("suggestion", distinct=True,
                                      filter=Q(suggestion__state=State.CONCLUDED))))
    out = [{"name": r["unit__name"], "assigned": r["assigned"], "concluded": r["concluded"],
            "completion_rate": _rate(r["concluded"], r["assigned"])} for r in rows]
    out.sort(key=lambda u: (u["completion_rate"] if u["completion_rate"] is not None else -1.0, u["name"]))
    return out


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


def session_report(session: Session) -> dict:
    """The session report's further figures (issue 11 "Figures"), beside `session_stats`: 立案 / 并案 /
    不予立案, answered, 见面率 (answered suggestions with a 面商 other than 未沟通), first-round
    satisfaction of each dimension (the lead deputy's first rating) against the final one, re-handled,
    open B/C (跟踪), and the suggestions gone to 督办 after a second 不满意."""
    met = Consultation.objects.filter(suggestion=OuterRef("pk")).exclude(form=ConsultationForm.NONE)
    qs = Suggestion.objects.filter(session=session)
    counts = qs.aggregate(
        merged=Count("pk", filter=Q(state=State.MERGED)),
        not_accepted=Count("pk", filter=Q(state=State.NOT_ACCEPTED)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        met=Count("pk", filter=Q(answered_at__isnull=False) & Q(Exists(met))),
        rehandled=Count("pk", filter=Q(handling_round__gt=1)),
        tracking=Count("pk", filter=Q(tracking=True)),
    )
    first = Evaluation.objects.filter(suggestion__session=session, round=1,
                                      deputy_id=F("suggestion__lead_deputy_id")).aggregate(
        work_rated=Count("pk", filter=Q(work_rating__in=GIVEN_RATINGS)),
        work_good=Count("pk", filter=Q(work_rating__in=GOOD_RATINGS)),
        result_rated=Count("pk", filter=Q(result_rating__in=GIVEN_RATINGS)),
        result_good=Count("pk", filter=Q(result_rating__in=GOOD_RATINGS)),
    )
    return {
        "merged": counts["merged"], "not_accepted": counts["not_accepted"], "answered": counts["answered"],
        "meeting_rate": _rate(counts["met"], counts["answered"]),
        "first_work_satisfaction_rate": _rate(first["work_good"], first["work_rated"]),
        "first_result_satisfaction_rate": _rate(first["result_good"], first["result_rated"]),
        "rehandled": counts["rehandled"], "tracking": counts["tracking"],
        "supervised": list(qs.filter(supervised=True).select_related("session", "lead_deputy").order_by("number")),
    }


def unit_report(session: Session) -> list[dict]:
    """The session report's table per replying unit (lead or 分办, any round, not cancelled), lowest
    completion first (then by name), in one grouped query: total, 立案, 并案, 不予立案, answered, 办结,
    办结率, A/B/C/D, on-time reply rate, 见面率 (answered with this unit's 面商 other than 未沟通) and the
    satisfaction of each dimension ((满意+基本满意)/rated; 未表态 not rated)."""
    met = (Consultation.objects.filter(suggestion=OuterRef("suggestion_id"), unit=OuterRef("unit_id"))
           .exclude(form=ConsultationForm.NONE))
    accepted = Q(suggestion__accepted_at__isnull=False)
    answered = Q(suggestion__answered_at__isnull=False)

    def n(cond=None):
        return Count("suggestion", distinct=True, filter=cond)

    rows = (SuggestionUnit.objects
            .filter(suggestion__session=session, role__in=REPLYING_ROLES, cancelled_at__isnull=True)
            .annotate(met=Exists(met))
            .values("unit_id", "unit__name")
            .annotate(total=n(), accepted=n(accepted), merged=n(Q(suggestion__state=State.MERGED)),
                      not_accepted=n(Q(suggestion__state=State.NOT_ACCEPTED)), answered=n(answered),
                      met_count=n(answered & Q(met=True)),
                      concluded=n(accepted & Q(suggestion__state=State.CONCLUDED)),
                      replied=n(accepted & Q(suggestion__replied_on_time__isnull=False)),
                      on_time=n(accepted & Q(suggestion__replied_on_time=True)),
                      work_rated=n(accepted & Q(suggestion__work_rating__in=GIVEN_RATINGS)),
                      work_good=n(accepted & Q(suggestion__work_rating__in=GOOD_RATINGS)),
                      result_rated=n(accepted & Q(suggestion__result_rating__in=GIVEN_RATINGS)),
                      result_good=n(accepted & Q(suggestion__result_rating__in=GOOD_RATINGS)),
                      **{f"class_{c}": n(accepted & Q(suggestion__reply_class=c)) for c in ReplyClass.values}))
    out = []
    for r in rows:
        out.append({
            "unit_id": r["unit_id"], "name": r["unit__name"], "total": r["total"], "accepted": r["accepted"],
            "merged": r["merged"], "not_accepted": r["not_accepted"], "answered": r["answered"],
            "concluded": r["concluded"], "completion_rate": _rate(r["concluded"], r["accepted"]),
            "classes": [(c, r[f"class_{c}"]) for c in ReplyClass.values],
            "on_time_rate": _rate(r["on_time"], r["replied"]),
            "meeting_rate": _rate(r["met_count"], r["answered"]),
            "work_satisfaction_rate": _rate(r["work_good"], r["work_rated"]),
            "result_satisfaction_rate": _rate(r["result_good"], r["result_rated"]),
        })
    out.sort(key=lambda u: (u["completion_rate"] if u["completion_rate"] is not None else -1.0, u["name"]))
    return out
