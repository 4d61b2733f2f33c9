"""API benchmark (issue 14): the opinion-item list and detail over /api/v1/ with device tokens.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py dashboard_bench_data
    .venv/bin/python bench/api_bench.py [--runs 20]
    .venv/bin/python bench/api_bench.py --clients 200 [--seconds 30] [--server-workers 4 --server-threads 8]

In-process (default): each request goes through Django's test client with a Bearer token (server time:
routing, middleware, token authentication, SQL and JSON rendering; no network), as a deputy, district
staff and a handling-unit user: the first page of GET /api/v1/items, the page its `next` cursor points
to, and GET /api/v1/items/<id> of the newest item the user sees. Twice to warm up, then `--runs` times;
prints the median and p95 ms and the SQL queries of one request. Target (issue 14): ≤ 30 ms median at
1,000,000 items, a query count that does not grow with the data.

--clients N: starts gunicorn on 127.0.0.1 (the test settings, as bench/residents_load_bench.py does) and
runs N concurrent clients (threads, `requests` with keep-alive) for `--seconds`, each with its own device
token of one of the three users, cycling list / cursor page / detail. Reports errors, p50 / p95 / max
and requests per second. The per-account and per-address throttles (API_THROTTLE_*) are raised for the
run unless --keep-throttles: 200 clients of three accounts from one address would otherwise measure the
429s (which --keep-throttles then counts as errors).

The users (bench_api_staff, bench_api_unit, and the account of the deputy with the most items) are
created on first run; their device tokens are new on every run (revoked at the end).
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

HIGH_RATES = {"user": "1000000/min", "ip": "1000000/min", "sign_in": "20/min"}


class _Request:
    META = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "api_bench"}


def cast():
    """(label, user) of the three roles, created when missing (like bench/nav_bench.py)."""
    from django.db.models import Count

    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import user_create
    from deputies.models import Deputy
    from petitions.models import Assignment, Item
    from units.models import HandlingUnit

    def user(username, **kw):
        found = User.objects.filter(username=username).first()
        return found or user_create(username=username, password="bench-only-1", full_name=username, **kw)

    busiest_unit = (Assignment.objects.values("unit").annotate(n=Count("pk")).order_by("-n").first() or {}).get("unit")
    unit = HandlingUnit.objects.filter(pk=busiest_unit).first() or HandlingUnit.objects.order_by("pk").first()
    deputy = Deputy.objects.filter(pk=Item.objects.values("deputy").annotate(n=Count("pk")).order_by("-n")
                                   .values("deputy")[:1]).first()
    if deputy is None:
        sys.exit("no items: run `manage.py dashboard_bench_data` first")
    if deputy.user_id is None:
        deputy.user = user(f"bench_deputy_{deputy.pk}", roles=[Role.DEPUTY])
        deputy.save(update_fields=["user"])
    return [
        ("deputy", User.objects.get(pk=deputy.user_id)),
        ("district staff", user("bench_api_staff", roles=[Role.DISTRICT_STAFF])),
        ("unit", user("bench_api_unit", roles=[Role.UNIT], unit=unit)),
    ]


def token(user, name="api_bench") -> str:
    from api import services

    return services.device_sign_in(user=user, name=name, request=_Request()).access_token


def revoke_bench_devices():
    from django.utils import timezone

    from api.models import Device

    Device.objects.filter(name__startswith="api_bench", revoked_at__isnull=True).update(revoked_at=timezone.now())


def newest_visible(user):
    from petitions.models import Item

    return Item.objects.visible_to(user).order_by("-id").values_list("pk", flat=True).first()


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))] if xs else 0.0


def in_process(args):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from petitions.models import Item

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.API_THROTTLE_RATES = HIGH_RATES  # the bench measures the pages, not the throttles
    size = Item.objects.count()
    rows = []
    for label, who in cast():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token(who)}")
        first = client.get("/api/v1/items")
        assert first.status_code == 200, (label, first.status_code, first.content[:300])
        following = first.json().get("next")
        pk = newest_visible(who)
        pages = [("items, 1st page", "/api/v1/items")]
        if following:
            pages.append(("items, cursor page", following.replace("http://testserver", "")))
        if pk is not None:
            pages.append(("item detail", f"/api/v1/items/{pk}"))
        for page, url in pages:
            for _ in range(2):
                assert client.get(url).status_code == 200, (label, url)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (label, url, response.status_code)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            rows.append((label, page, size, statistics.median(times), p95(times), len(ctx.captured_queries)))
    revoke_bench_devices()
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| role | request | items | median ms | p95 ms | queries |\n| --- | --- | ---: | ---: | ---: | ---: |")
    for label, page, n, med, top, queries in rows:
        print(f"| {label} | {page} | {n:,} | {med:.1f} | {top:.1f} | {queries} |")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def concurrent(args):
    import requests

    users = cast()
    # Each client has its own device (as each phone would); the URLs are found once per user.
    plans = []
    for label, who in users:
        plans.append({"label": label, "user": who, "detail": newest_visible(who)})
    tokens = [(plans[i % len(plans)], token(plans[i % len(plans)]["user"], f"api_bench_{i}"))
              for i in range(args.clients)]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xiangshan.settings.test", "ALLOWED_HOSTS": "127.0.0.1"}
    if not args.keep_throttles:
        env.update({"API_THROTTLE_USER": HIGH_RATES["user"], "API_THROTTLE_IP": HIGH_RATES["ip"]})
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "xiangshan.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", str(args.server_workers), "--threads", str(args.server_threads),
                               "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(150):
            try:
                requests.get(base + "/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not start")
        # The cursor page of each user, and a warm-up of every worker (imports, connections), untimed.
        warm = requests.Session()
        for plan in plans:
            _tok = next(t for p, t in tokens if p is plan)
            first = warm.get(base + "/api/v1/items", headers={"Authorization": f"Bearer {_tok}"}, timeout=30)
            first.raise_for_status()
            plan["next"] = (first.json().get("next") or "").replace("http://testserver", base)
        for _ in range(3 * args.server_workers * args.server_threads):
            warm.get(base + "/healthz", timeout=30)

        lock = threading.Lock()
        times: dict[str, list[float]] = {"list": [], "cursor": [], "detail": []}
        errors: list[str] = []
        start_barrier = threading.Barrier(args.clients + 1)
        stop_at = [0.0]

        def client(i, plan, tok):
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {tok}"
            urls = [("list", base + "/api/v1/items")]
            if plan.get("next"):
                urls.append(("cursor", plan["next"]))
            if plan["detail"] is not None:
                urls.append(("detail", f"{base}/api/v1/items/{plan['detail']}"))
            n = i  # start each client at a different request
            try:
                start_barrier.wait(timeout=120)
            except threading.BrokenBarrierError:
                pass
            while time.monotonic() < stop_at[0]:
                kind, url = urls[n % len(urls)]
                n += 1
                t0 = time.perf_counter()
                try:
                    response = session.get(url, timeout=30)
                    ok = response.status_code == 200
                    detail = f"{kind} {response.status_code}"
                except requests.RequestException as exc:
                    ok, detail = False, f"{kind} {type(exc).__name__}"
                took = (time.perf_counter() - t0) * 1000
                with lock:
                    if ok:
                        times[kind].append(took)
                    else:
                        errors.append(detail)

        threads = [threading.Thread(target=client, args=(i, p, t), daemon=True) for i, (p, t) in enumerate(tokens)]
        for t in threads:
            t.start()
        stop_at[0] = time.monotonic() + args.seconds + 1  # set before the start: the barrier's wait is short
        start_barrier.wait(timeout=120)
        began = time.monotonic()
        for t in threads:
            t.join(timeout=args.seconds + 60)
        wall = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(15)
        revoke_bench_devices()
    from petitions.models import Item

    every = [x for xs in times.values() for x in xs]
    print(f"{args.clients} clients for {wall:.1f} s against gunicorn -w {args.server_workers} "
          f"--threads {args.server_threads}, {Item.objects.count():,} items, load {os.getloadavg()[0]:.1f}"
          f"{'' if args.keep_throttles else ', throttles raised'}")
    print(f"requests {len(every) + len(errors)}, errors {len(errors)}"
          + (f" (first: {sorted(set(errors))[:5]})" if errors else ""))
    print(f"throughput {len(every) / wall:.0f} req/s")
    print("| request | n | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |")
    for kind, xs in [*times.items(), ("all", every)]:
        if xs:
            print(f"| {kind} | {len(xs)} | {statistics.median(xs):.0f} | {p95(xs):.0f} | {max(xs):.0f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=0, help="concurrent clients against gunicorn (0: in-process)")
    parser.add_argument("--seconds", type=float, default=30, help="how long the clients run")
    parser.add_argument("--server-workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--server-threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--keep-throttles", action="store_true", help="keep the API's rate limits (429s count)")
    args = parser.parse_args()

    import django

    django.setup()
    if args.clients:
        concurrent(args)
    else:
        in_process(args)


if __name__ == "__main__":
    main()
