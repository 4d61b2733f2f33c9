"""Dashboard benchmark: server time of the dashboard pages on a bench database.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py dashboard_bench_data
    .venv/bin/python bench/dashboard_bench.py [--runs 20] [--year 2025]

Each page is requested through Django's test client in-process (server time: URL routing,
middleware, SQL and template rendering; no network), twice to warm up, then `--runs` times.
Prints a table: page, data size, median and p95 ms, SQL queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--only", default="", help="run only pages whose label contains this text")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import user_create
    from petitions.models import Item
    from units.models import HandlingUnit

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]

    def user(username, **kw):
        found = User.objects.filter(username=username).first()
        return found or user_create(username=username, password="bench-only-1", full_name=username, **kw)

    unit = HandlingUnit.objects.order_by("pk").first()
    leader = user("bench_leader", roles=[Role.LEADER])
    unit_user = user("bench_unit", roles=[Role.UNIT], unit=unit)
    size = Item.objects.count()
    year = {"period": "year", "year": str(args.year)}
    span = {"from": f"{args.year}-01-01", "to": f"{args.year}-12-31"}
    pages = [
        ("dashboard, year, district", leader, "/dashboards/", year),
        ("dashboard, year, one unit", unit_user, "/dashboards/", year),
        ("item list (drill-down), 1st page", leader, "/dashboards/items/", {**span, "metric": "collected"}),
        ("overdue list, one unit, 1st page", leader, "/dashboards/items/",
         {**span, "metric": "overdue", "by_unit": str(unit.pk)}),
        ("monthly submission grid, district", leader, "/dashboards/submissions/", {"year": str(args.year)}),
        ("print view, year, district", leader, "/dashboards/print/", year),
    ]
    try:
        from django.urls import reverse

        pages.append(("petitions item list, 1st page", leader, reverse("petitions:list"), {}))
    except Exception:  # the item list is not there yet
        pass
    pages = [p for p in pages if args.only in p[0]]
    rows = []
    for label, who, url, params in pages:
        client = Client()
        client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
        for _ in range(2):
            assert client.get(url, params).status_code == 200, (label, url)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows.append((label, size, statistics.median(times), p95, len(ctx.captured_queries)))
    print(f"load average at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print("| page | items | median ms | p95 ms | queries |\n| --- | ---: | ---: | ---: | ---: |")
    for label, n, med, p95, q in rows:
        print(f"| {label} | {n:,} | {med:.0f} | {p95:.0f} | {q} |")


if __name__ == "__main__":
    main()
