"""Suggestions benchmark: server time and SQL queries of the session report and the public page.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_sugg_bench   # a bench database
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/suggestions_bench.py [--runs 15] [--sessions 10] [--per-session 5000] [--kept 30]

Seeds (bulk_create, a realistic mix of states, classes, ratings, 面商 and units; the columns the doors
copy for the report, the rows' session and the lead deputy's first-round ratings, filled alike) one session
of 1,000 suggestions, measures, then grows to `--sessions` × `--per-session` and measures again in the same run.
Each page goes through Django's test client in-process (server time: routing, middleware, SQL,
templates; no network), twice to warm up, then `--runs` times: median and p95 ms, SQL queries.
The target (issue 11): ≤ 100 ms median and the same query count at both sizes.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


def seed(session, n, deputies, units, rnd):
    """`n` suggestions of `session` in a mix of states, with their units, 面商 and evaluations."""
    from django.utils import timezone

    from suggestions.choices import ConsultationForm, Rating, ReplyClass, State, UnitRole
    from suggestions.models import Consultation, Evaluation, Suggestion, SuggestionUnit

    now = timezone.now()
    today = timezone.localdate()
    ratings = [Rating.SATISFIED] * 6 + [Rating.BASIC] * 3 + [Rating.DISSATISFIED, Rating.NO_ANSWER]
    states = ([State.CONCLUDED] * 45 + [State.ANSWERED] * 15 + [State.HANDLING] * 25 + [State.MERGED] * 3
              + [State.NOT_ACCEPTED] * 5 + [State.REVIEWING] * 4 + [State.SUBMITTED] * 3)
    rows = []
    start = Suggestion.objects.filter(session=session).count()
    for i in range(start, start + n):
        state = rnd.choice(states)
        handled = state in (State.CONCLUDED, State.ANSWERED, State.HANDLING)
        answered = state in (State.CONCLUDED, State.ANSWERED)
        cls = rnd.choice("AAAABBBCCD") if answered else ""
        rows.append(Suggestion(
            session=session, number=None if state == State.SUBMITTED else i + 1, title=f"关于第{i + 1}件事项的建议",
            lead_deputy=rnd.choice(deputies), state=state, consent_public=rnd.random() > 0.1,
            accepted_at=now if handled else None, assigned_at=now if handled else None,
            handling_round=(2 if rnd.random() < 0.05 else 1) if handled else 0,
            reply_due=today + datetime.timedelta(days=rnd.randint(-30, 90)) if handled else None,
            reply_class=cls, tracking=answered and cls in (ReplyClass.B, ReplyClass.C) and rnd.random() < 0.5,
            replied_on_time=(rnd.random() < 0.9) if answered else None, answered_at=now if answered else None,
            disclose_after=today - datetime.timedelta(days=1) if answered else None,
            work_rating=rnd.choice(ratings) if state == State.CONCLUDED else "",
            result_rating=rnd.choice(ratings) if state == State.CONCLUDED else "",
            supervised=state == State.CONCLUDED and rnd.random() < 0.01))
    for r in rows:  # the lead deputy's round-1 evaluation below carries the same ratings
        r.first_work_rating, r.first_result_rating = r.work_rating, r.result_rating
    made = Suggestion.objects.bulk_create(rows, batch_size=2000)
    su, cons, evs = [], [], []
    for s in made:
        if s.accepted_at is None:
            continue
        lead = rnd.choice(units)
        su.append(SuggestionUnit(suggestion=s, session=session, unit=lead, role=UnitRole.LEAD, round=1,
                                 is_current=True, due_date=s.reply_due))
        if rnd.random() < 0.3:
            su.append(SuggestionUnit(suggestion=s, session=session, unit=rnd.choice(units), role=UnitRole.CO,
                                     round=1, is_current=True, due_date=s.reply_due))
        if s.answered_at:
            cons.append(Consultation(suggestion=s, session=session, unit=lead, round=1,
                                     form=rnd.choice([ConsultationForm.MEETING, ConsultationForm.VISIT,
                                                      ConsultationForm.PHONE, ConsultationForm.NONE])))
        if s.work_rating:
            evs.append(Evaluation(suggestion=s, deputy=s.lead_deputy, round=1, work_rating=s.work_rating,
                                  result_rating=s.result_rating))
    SuggestionUnit.objects.bulk_create(su, batch_size=2000)
    Consultation.objects.bulk_create(cons, batch_size=2000)
    Evaluation.objects.bulk_create(evs, batch_size=2000)


def measure(pages, runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = []
    for label, who, url in pages:
        client = Client()
        if who is not None:
            client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
        for _ in range(2):
            assert client.get(url).status_code == 200, (label, url)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        out.append((label, statistics.median(times), p95, len(ctx.captured_queries)))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--per-session", type=int, default=5000)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--kept", type=int, default=30,
                        help="NAV_BADGE_CACHE_SECONDS: the navigation badges kept as production keeps them (30); "
                             "0 counts them on every page, as the test settings do")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from deputies.models import Deputy
    from suggestions.models import Session, Suggestion
    from tests import personas
    from units.models import HandlingUnit

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.PUBLIC_RATE_LIMIT = 10**9  # the public page counts requests per client and minute
    settings.NAV_BADGE_CACHE_SECONDS = args.kept
    if Suggestion.objects.exists():
        sys.exit("the bench database already holds suggestions: use an empty, migrated database")
    cast = personas.build()
    for i in range(30):
        HandlingUnit.objects.get_or_create(name=f"区测试承办单位{i:02d}")
    units = list(HandlingUnit.objects.all())
    deputies = list(Deputy.objects.all())
    rnd = random.Random(11)
    sessions = [Session.objects.create(name=f"区人大十二届{i + 1}次会议(基准)", year=2020 + i, kind="congress")
                for i in range(args.sessions)]
    target = sessions[-1]

    def pages():
        return [("session report, district staff", cast.staff, reverse("suggestions:report", args=[target.pk])),
                ("session report, leader", cast.leader, reverse("suggestions:report", args=[target.pk])),
                ("public page (no login)", None, reverse("suggestions:public_session", args=[target.public_token]))]

    seed(target, args.small, deputies, units, rnd)
    small = (Suggestion.objects.count(), measure(pages(), args.runs))
    seed(target, args.per_session - args.small, deputies, units, rnd)
    for s in sessions[:-1]:
        seed(s, args.per_session, deputies, units, rnd)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    big = (Suggestion.objects.count(), measure(pages(), args.runs))
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} · NAV_BADGE_CACHE_SECONDS={args.kept}")
    print("| page | suggestions (report's session) | median ms | p95 ms | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for (total, rows), in_session in ((small, args.small), (big, args.per_session)):
        for label, med, p95, q in rows:
            print(f"| {label} | {total:,} ({in_session:,}) | {med:.0f} | {p95:.0f} | {q} |")


if __name__ == "__main__":
    main()
