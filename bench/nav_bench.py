"""Navigation counts benchmark (issue 16, finding 1): the badges every page computes, per role.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py dashboard_bench_data
    .venv/bin/python bench/nav_bench.py [--runs 20] [--explain] [--kept 30]

Times `core.nav.items_for(user)` — every count the user's bar shows — in-process, as each role that sees
counts (district staff, area staff, a unit, a deputy), twice to warm up, then `--runs` times; prints the
median, p95, the number of SQL queries, and with --explain the buffers each count query reads.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--kept", type=int, default=0,
                        help="NAV_BADGE_CACHE_SECONDS: 0 counts live every time (the default of the test "
                             "settings); e.g. 30 measures the kept counts, as production serves them")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.NAV_BADGE_CACHE_SECONDS = args.kept
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import user_create
    from areas.models import Area
    from core import nav
    from deputies.models import Deputy
    from petitions.models import Item
    from units.models import HandlingUnit

    def user(username, **kw):
        found = User.objects.filter(username=username).first()
        return found or user_create(username=username, password="bench-only-1", full_name=username, **kw)

    busiest_area = (Item.objects.values("area").annotate(n=Count("pk")).order_by("-n").first() or {}).get("area")
    deputy = Deputy.objects.filter(pk=Item.objects.values("deputy").annotate(n=Count("pk")).order_by("-n")
                                   .values("deputy")[:1]).first()
    cast = [
        ("district staff", user("bench_staff", roles=[Role.DISTRICT_STAFF])),
        ("area staff", user("bench_area", roles=[Role.AREA_STAFF], area=Area.objects.get(pk=busiest_area))),
        ("unit", user("bench_unit", roles=[Role.UNIT], unit=HandlingUnit.objects.order_by("pk").first())),
        ("deputy", deputy.user or user(f"bench_deputy_{deputy.pk}", roles=[Role.DEPUTY])),
    ]
    if deputy.user_id is None:
        deputy.user = cast[-1][1]
        deputy.save(update_fields=["user"])
    size = Item.objects.count()
    def counts_only(u):
        # What the badges cost: every count the user's bar shows, nothing else of the bar.
        shown = [i for i in nav._REGISTRY.values() if not i.roles or u.roles & i.roles]
        counts = {i.key: i.count(u) for i in shown if i.count}
        counts.update(nav.badge_counts(u, {i.key: i.count_query for i in shown if i.count_query}))
        return counts

    print("| role | items | counts: median ms | p95 ms | whole bar: median ms | queries | counts |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, who in cast:
        who = User.objects.get(pk=who.pk)  # fresh: no cached roles
        for _ in range(2):
            nav.items_for(who)
        times, bar = [], []
        for _ in range(args.runs):
            fresh = User.objects.get(pk=who.pk)
            _ = fresh.roles  # the role lookup belongs to every page, not to the counts
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                counts = counts_only(fresh)
            times.append((time.perf_counter() - t0) * 1000)
            fresh = User.objects.get(pk=who.pk)
            t0 = time.perf_counter()
            nav.items_for(fresh)
            bar.append((time.perf_counter() - t0) * 1000)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        print(f"| {label} | {size:,} | {statistics.median(times):.1f} | {p95:.1f} | {statistics.median(bar):.1f} "
              f"| {len(ctx.captured_queries)} | {counts} |")
        if args.explain:
            with connection.cursor() as cur:
                for q in ctx.captured_queries:
                    if "COUNT" not in q["sql"].upper():
                        continue
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    plan = [r[0] for r in cur.fetchall()]
                    buffers = next((p for p in plan if "Buffers" in p), "")
                    took = plan[-1]
                    print(f"    {q['sql'][:110]}…\n      {buffers.strip()} · {took.strip()}")


if __name__ == "__main__":
    main()
