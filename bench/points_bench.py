"""Points benchmark (issue 15): a quarter's points computed for every deputy in office, and the published
ranking page, at two sizes in the same run.

    createdb -h 127.0.0.1 -U postgres xs_points_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_points_bench REDIS_URL=redis://127.0.0.1:6379/14
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/points_bench.py [--sizes 100:1000,10000:1000000] [--runs 20]

Each size is DEPUTIES:RECORDS: that many district deputies in office across the 13 areas, in groups of
about 15, and that many attendance records over the year's four quarters (a quarter of them in the
quarter computed, one in ten an absence without leave), on weekly activities of every kind per area.
Q1 and Q2 are computed and published first, so the year caps read earlier quarters as in real use;
then Q3 is computed (timed, three runs, median) and published. Pages are timed in-process with the
test client (server time: middleware, SQL, templates), median over `--runs` requests, as the role that
uses each: the ranking by group (a deputy, target ≤ 100 ms), a deputy's own breakdown, and the
quarter's totals (district staff). Target: 10,000 deputies' quarter in ≤ 30 s.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

KINDS = ["research", "supervision", "group", "reception", "training", "report"]


def reset():
    from django.db import connection

    with connection.cursor() as c:
        c.execute("TRUNCATE points_line, points_total, points_snapshot, points_correctionevent, points_correction, "
                  "points_evidence, points_claimevent, points_claim, activities_attendance, "
                  "activities_historicalattendance, activities_activity_items, activities_activityphoto, "
                  "activities_activity, deputy_groups_groupmembership, deputy_groups_deputygroup, deputies_mandate, "
                  "deputies_deputy CASCADE")


def seed(deputies: int, records: int):
    """Deputies, mandates, groups and activities through the ORM; attendance rows in one INSERT … SELECT."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.services import roles_install
    from activities.models import Activity
    from areas.models import Area
    from deputies.choices import Level, MandateStatus
    from deputies.models import CongressTerm, Deputy, Mandate
    from groups.choices import GroupKind
    from groups.models import DeputyGroup, GroupMembership

    if not Area.objects.exists():
        call_command("loaddata", "xiangshan_areas", verbosity=0)
    roles_install()
    reset()
    towns = list(Area.objects.filter(parent__isnull=False).order_by("id"))
    towns = [a for a in towns if not a.children.exists()] or towns
    term = CongressTerm.objects.get_or_create(level=Level.DISTRICT, number=12)[0]
    people = Deputy.objects.bulk_create([Deputy(name=f"代表{i:05d}", name_pinyin=f"db{i}") for i in range(deputies)],
                                        batch_size=5000)
    Mandate.objects.bulk_create([Mandate(deputy=d, term=term, area=towns[i % len(towns)],
                                         status=MandateStatus.IN_OFFICE) for i, d in enumerate(people)], batch_size=5000)
    groups = DeputyGroup.objects.bulk_create([DeputyGroup(name=f"第{g + 1}代表小组", kind=GroupKind.DISTRICT_TOWN)
                                              for g in range(max(1, deputies // 15))])
    GroupMembership.objects.bulk_create([GroupMembership(group=groups[i % len(groups)], deputy=d)
                                         for i, d in enumerate(people)], batch_size=5000)
    weeks = [datetime.date(2026, 1, 5) + datetime.timedelta(days=7 * w) for w in range(52)]
    acts = Activity.objects.bulk_create([Activity(kind=KINDS[(w + t) % len(KINDS)], title=f"活动{w}-{t}", date=day,
                                                  organiser_area=town)
                                         for w, day in enumerate(weeks) for t, town in enumerate(towns)],
                                        batch_size=5000)
    per_deputy = max(1, records // deputies)
    act_ids = [a.pk for a in acts]
    dep_ids = [d.pk for d in people]
    with connection.cursor() as c:
        # Deputy n attends per_deputy distinct activities spread evenly over the year's (a stride of
        # len/per_deputy from an offset of its own).
        c.execute(
            "INSERT INTO activities_attendance (activity_id, deputy_id, status, note) "
            "SELECT a.ids[1 + ((d.n * 7 + k * array_length(a.ids, 1) / %s) %% array_length(a.ids, 1))], d.id, "
            "CASE WHEN (d.n + k) %% 10 = 0 THEN 'absent' ELSE 'attended' END, '' "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS d(id, n), generate_series(0, %s - 1) AS k, "
            "(SELECT %s::bigint[] AS ids) a ON CONFLICT DO NOTHING", [per_deputy, dep_ids, per_deputy, act_ids])
        c.execute("SELECT count(*) FROM activities_attendance")
        made = c.fetchone()[0]
        c.execute("VACUUM ANALYZE")
    return made


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def measure(deputies, records, runs):
    from django.test import Client

    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import user_create
    from deputies.models import Deputy
    from points import services

    t = time.perf_counter()
    made = seed(deputies, records)
    seeded = time.perf_counter() - t
    User.objects.filter(username__in=["bench_staff", "bench_deputy"]).delete()
    staff = user_create(username="bench_staff", password="bench-pw-1", full_name="李明", roles=[Role.DISTRICT_STAFF])
    deputy_user = user_create(username="bench_deputy", password="bench-pw-1", full_name="代表00007", roles=[Role.DEPUTY])
    Deputy.objects.filter(name="代表00007").update(user=deputy_user)
    for q in (1, 2):
        services.snapshot_publish(snapshot=services.snapshot_compute(year=2026, quarter=q, actor=staff), actor=staff)
    computes = []
    for _ in range(3):
        load = os.getloadavg()[0]
        t = time.perf_counter()
        snap = services.snapshot_compute(year=2026, quarter=3, actor=staff)
        computes.append((time.perf_counter() - t, load))
    snap = services.snapshot_publish(snapshot=snap, actor=staff)
    lines = snap.lines.count()
    me = Deputy.objects.get(name="代表00007")
    as_deputy, as_staff = Client(), Client()
    as_deputy.force_login(deputy_user, backend="django.contrib.auth.backends.ModelBackend")
    as_staff.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    pages = {}
    for label, client, url in (("ranking by group (deputy)", as_deputy, f"/points/{snap.pk}/ranking/"),
                               ("own breakdown (deputy)", as_deputy, f"/points/{snap.pk}/deputies/{me.pk}/"),
                               ("quarter totals, page 1 (district staff)", as_staff, f"/points/{snap.pk}/"),
                               ("quarter totals, name search (district staff)", as_staff, f"/points/{snap.pk}/?q=代表0001")):
        assert client.get(url).status_code == 200, url
        load = os.getloadavg()[0]
        pages[label] = (timed(lambda c=client, u=url: c.get(u), runs), load)
    compute = statistics.median(s for s, _load in computes)
    print(f"\n## {deputies:,} deputies, {made:,} attendance records (seeded in {seeded:.0f} s)")
    print(f"| quarter compute (Q3, {lines:,} lines; median of 3) | {compute:.1f} s | "
          f"load {', '.join(f'{x:.1f}' for _s, x in computes)} |")
    for label, (ms, load) in pages.items():
        print(f"| {label} | {ms:.0f} ms | load {load:.1f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100:1000,10000:1000000")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("DATABASE_URL must name a bench database (it is rebuilt)")
    import django

    django.setup()
    for size in args.sizes.split(","):
        deputies, records = (int(x) for x in size.split(":"))
        measure(deputies, records, args.runs)


if __name__ == "__main__":
    main()
