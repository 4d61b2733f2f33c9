"""Where a dashboard request's time goes: every SQL query timed, then a cProfile of the view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_bench .venv/bin/python bench/dashboard_profile.py [district|unit]
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    who = User.objects.get(username="bench_unit" if sys.argv[1:2] == ["unit"] else "bench_leader")
    client = Client()
    client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
    params = {"period": "year", "year": "2025"}
    for _ in range(3):
        client.get("/dashboards/", params)
    timings = []

    def timer(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - t0) * 1000, sql))

    t0 = time.perf_counter()
    with connection.execute_wrapper(timer):
        client.get("/dashboards/", params)
    total = (time.perf_counter() - t0) * 1000
    sql_ms = sum(t for t, _ in timings)
    print(f"total {total:.1f} ms, SQL {sql_ms:.1f} ms in {len(timings)} queries, rest {total - sql_ms:.1f} ms")
    for t, sql in sorted(timings, reverse=True)[:12]:
        print(f"{t:7.1f}  {' '.join(sql.split())[:230]}")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(5):
        client.get("/dashboards/", params)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
