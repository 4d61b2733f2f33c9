"""The product beside its peer (issue 16): the same pages at 1,000 and 1,000,000 items, and django-helpdesk
2.6.1 at 100,000 tickets, over real HTTP on 127.0.0.1, requests interleaved in one run.

    # the peer's side, once (../shared/peer-bench/README.md): a scratch copy, its setup and 100,000 tickets
    d=$(mktemp -d) && cp -r ../shared/peer-bench/. "$d" && (cd "$d" && ./setup.sh && .venv/bin/python seed_peer.py 100000)
    # the product's side: two databases with the same roster (10,000 deputies, 200 units)
    for n in 1000 1000000; do db=xs_bench_$n; createdb -h 127.0.0.1 -U postgres $db
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db .venv/bin/python manage.py migrate
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db .venv/bin/python manage.py dashboard_bench_data --items $n
    done
    .venv/bin/python bench/peer_bench.py --peer-dir "$d" \\
        --small postgres://postgres@127.0.0.1:5432/xs_bench_1000 --large postgres://postgres@127.0.0.1:5432/xs_bench_1000000 \\
        [--requests 30] [--warmup 3] [--workers 2] [--kept 30] [--figures-kept 120] [--wrk 20]

Each side runs in its own gunicorn (2 sync workers, DEBUG off, as the peer's measure.py). Every page is
requested as the role that uses it (district staff, area staff, a unit, a deputy, a leader), signed in
through a session made in that database. One timed round asks every page once on every side, in turn,
so load changes hit all sides alike. Reported: median and p95 client wall time of the full response, the
SQL query count of one request (in-process), and the ratios 1M / 1k and product / peer. `--kept` is
NAV_BADGE_CACHE_SECONDS of the product's servers (production's default is 30; 0 counts the badges on every
page). `--figures-kept` is DASHBOARD_CACHE_SECONDS (production's 120: the dashboards' figures kept until
anything they count changes; 0 counts them on every request, the cold path). `--wrk SECONDS` then runs
wrk with 32 connections on the dashboard and the item list at 1M.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"


# ---------------------------------------------------------------------------------------------------
# --prepare: inside one product database (run as a subprocess with its DATABASE_URL)

def prepare():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import user_create
    from areas.models import Area
    from deputies.models import Deputy
    from petitions.models import Item
    from units.models import HandlingUnit

    def user(username, **kw):
        found = User.objects.filter(username=username).first()
        return found or user_create(username=username, password="bench-only-1", full_name=username, **kw)

    # Fixed by the roster (the same in both databases), never by the items, so both sides ask alike.
    area = Area.objects.order_by("pk").first()
    unit = HandlingUnit.objects.order_by("pk").first()
    deputy = Deputy.objects.order_by("pk").first()
    cast = {
        "district staff": user("bench_staff", roles=[Role.DISTRICT_STAFF]),
        "area staff": user("bench_area", roles=[Role.AREA_STAFF], area=area),
        "unit": user("bench_unit", roles=[Role.UNIT], unit=unit),
        "leader": user("bench_leader", roles=[Role.LEADER]),
        "deputy": deputy.user or user(f"bench_deputy_{deputy.pk}", roles=[Role.DEPUTY]),
    }
    if deputy.user_id is None:
        deputy.user = cast["deputy"]
        deputy.save(update_fields=["user"])
    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True)[Item.objects.count() // 2:][:1])
    year = "2025"
    pages = [
        ("dashboard", "district dashboard, year", "leader", f"/dashboards/?year={year}"),
        ("dashboard_staff", "district dashboard, year", "district staff", f"/dashboards/?year={year}"),
        ("unit_dashboard", "one unit's dashboard, year", "unit", f"/dashboards/?year={year}"),
        ("list", "item list, 1st page", "district staff", "/items/"),
        ("list_area", "item list, 1st page", "area staff", "/items/"),
        ("list_unit", "待办理 list", "unit", "/items/todo/"),
        ("list_deputy", "我的社情民意", "deputy", "/items/mine/"),
        ("detail", f"item detail (the middle item, #{ids[0]})", "district staff", f"/items/{ids[0]}/"),
        ("form", "new-item form", "deputy", "/items/new/"),
        ("form_staff", "new-item form", "district staff", "/items/new/"),
    ]
    cookies, queries, sizes = {}, {}, {}
    for role, who in cast.items():
        client = Client()
        client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
        cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    for key, _label, role, url in pages:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookies[role]
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} as {role}: HTTP {response.status_code}")
        queries[key], sizes[key] = len(ctx.captured_queries), len(response.content)
    json.dump({"items": Item.objects.count(), "deputies": Deputy.objects.count(),
               "session_cookie": settings.SESSION_COOKIE_NAME, "cookies": cookies, "queries": queries,
               "sizes": sizes, "pages": pages}, sys.stdout)


# ---------------------------------------------------------------------------------------------------
# The run

def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_ready(proc, url, log):
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early (rc={proc.returncode}), see {log}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server not ready: {url}")


def stop(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def start_product(db_url, workers, kept, log, figures_kept=120):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "xiangshan.settings.test",
           "ALLOWED_HOSTS": HOST, "NAV_BADGE_CACHE_SECONDS": str(kept),
           "DASHBOARD_CACHE_SECONDS": str(figures_kept)}
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "xiangshan.wsgi", "-b", f"{HOST}:{port}",
                             "-w", str(workers), "--worker-class", "sync", "--timeout", "300",
                             "--log-level", "warning"], cwd=ROOT, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    wait_ready(proc, base + "/healthz", log)
    return proc, base


def start_peer(peer_dir, workers, log):
    port = free_port()
    env = dict(os.environ, PEER_DEBUG="0",
               PYTHONWARNINGS="ignore:DateTimeField Ticket.created received a naive datetime")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([str(peer_dir / ".venv/bin/gunicorn"), "peerproj.wsgi:application", "--bind",
                             f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync",
                             "--timeout", "300", "--log-level", "warning"], cwd=peer_dir, env=env,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    wait_ready(proc, base + "/helpdesk/login/", log)
    return proc, base


def peer_pages(peer_dir, base):
    """Sign in to the peer as its measure.py does; its pages: dashboard, list shell + the DataTables
    JSON the browser fetches (one page load), and the middle ticket's detail."""
    import requests

    sys.path.insert(0, str(peer_dir))
    import pages as peer  # the peer's own page definitions (peer-bench/pages.py)

    s = requests.Session()
    r = s.get(base + "/helpdesk/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
    r = s.post(base + "/helpdesk/login/", data={
        "csrfmiddlewaretoken": token, "username": os.environ.get("PEER_BENCH_USER", "bench"),
        "password": os.environ.get("PEER_BENCH_PASSWORD", "bench-pass"), "next": "/helpdesk/dashboard/"},
        headers={"Referer": base + "/helpdesk/login/"}, allow_redirects=False, timeout=60)
    if r.status_code != 302:
        raise SystemExit(f"peer login failed: HTTP {r.status_code}")
    shell = s.get(base + "/helpdesk/tickets/", timeout=60).text
    data_url = peer.list_data_url(shell)
    out = subprocess.run([str(peer_dir / ".venv/bin/python"), "-c",
                          "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'peerproj.settings');"
                          "django.setup(); import pages; print(pages.detail_ticket_id())"],
                         cwd=peer_dir, capture_output=True, text=True, check=True)
    tid = int(out.stdout.split()[-1])
    return s, {"dashboard": ["/helpdesk/dashboard/"], "list": ["/helpdesk/tickets/", data_url],
               "detail": [f"/helpdesk/tickets/{tid}/"]}


def timed(session, base, urls):
    """One page load: the wall time of its requests in turn (the peer's list is shell + JSON)."""
    t0 = time.perf_counter()
    for url in urls:
        r = session.get(base + url, timeout=300, allow_redirects=False)
        _ = r.content
        if r.status_code != 200:
            raise RuntimeError(f"{url} -> HTTP {r.status_code}")
    return (time.perf_counter() - t0) * 1000


def p95(values):
    s = sorted(values)
    return s[max(0, -(-95 * len(s) // 100) - 1)]


def run_wrk(base, cookie_name, cookie, url, seconds, log):
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", "-t", "2", "-c", "32", "-d", f"{seconds}s", "--latency", "--timeout", "10s",
                          "-H", f"Cookie: {cookie_name}={cookie}", base + url],
                         capture_output=True, text=True, timeout=seconds + 60)
    with open(log, "a") as f:
        f.write(out.stdout)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    sock = re.search(r"Socket errors: (.*)", out.stdout)
    return {"rps": float(rps.group(1)) if rps else None, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": sock.group(1) if sock else "none"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--peer-dir", type=Path)
    parser.add_argument("--small", required=False, help="DATABASE_URL of the 1,000-item database")
    parser.add_argument("--large", required=False, help="DATABASE_URL of the 1,000,000-item database")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kept", type=int, default=30)
    parser.add_argument("--figures-kept", type=int, default=120,
                        help="DASHBOARD_CACHE_SECONDS of the product's servers (production's default 120; 0 counts "
                             "the dashboard's figures on every request)")
    parser.add_argument("--wrk", type=int, default=0, help="seconds of wrk -c 32 at 1M (0: none)")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "peer-bench")
    args = parser.parse_args()
    if args.prepare:
        return prepare()
    import requests

    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    sides, procs = {}, []
    try:
        for name, db in (("1k", args.small), ("1M", args.large)):
            info = json.loads(subprocess.run([sys.executable, __file__, "--prepare"], cwd=ROOT, check=True,
                                             env={**os.environ, "DATABASE_URL": db}, capture_output=True,
                                             text=True).stdout.strip().splitlines()[-1])
            proc, base = start_product(db, args.workers, args.kept, args.out / f"product-{name}-{stamp}.log",
                                       args.figures_kept)
            procs.append(proc)
            sessions = {}
            for role, cookie in info["cookies"].items():
                s = requests.Session()
                s.cookies.set(info["session_cookie"], cookie, domain=HOST)
                sessions[role] = s
            sides[name] = {"info": info, "base": base, "sessions": sessions,
                           "urls": {key: url for key, _label, _role, url in info["pages"]}}
        peer = None
        if args.peer_dir:
            proc, base = start_peer(args.peer_dir.resolve(), args.workers, args.out / f"peer-{stamp}.log")
            procs.append(proc)
            session, urls = peer_pages(args.peer_dir.resolve(), base)
            peer = {"base": base, "session": session, "urls": urls}
        pages = sides["1M"]["info"]["pages"]
        load_start = os.getloadavg()[0]
        times = {(side, key): [] for side in (*sides, "peer") for key, *_ in pages}
        for round_no in range(args.warmup + args.requests):
            for key, _label, role, _url in pages:
                for side, s in sides.items():
                    ms = timed(s["sessions"][role], s["base"], [s["urls"][key]])  # e.g. its own middle item
                    if round_no >= args.warmup:
                        times[(side, key)].append(ms)
                if peer and key in peer["urls"]:
                    ms = timed(peer["session"], peer["base"], peer["urls"][key])
                    if round_no >= args.warmup:
                        times[("peer", key)].append(ms)
        load_end = os.getloadavg()[0]
        print(f"\n{time.strftime('%Y-%m-%d %H:%M')} · items {sides['1k']['info']['items']:,} / "
              f"{sides['1M']['info']['items']:,}, deputies {sides['1M']['info']['deputies']:,} · "
              f"{args.requests} timed rounds after {args.warmup} · {args.workers} sync workers per side · "
              f"NAV_BADGE_CACHE_SECONDS={args.kept} · DASHBOARD_CACHE_SECONDS={args.figures_kept} · "
              f"load {load_start:.2f} → {load_end:.2f}\n")
        print("| page | role | 1k: median / p95 ms | 1M: median / p95 ms | 1M ÷ 1k | queries 1k / 1M | KiB 1M "
              "| peer 100k: median ms | 1M ÷ peer |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        result = []
        for key, label, role, _url in pages:
            small, large = times[("1k", key)], times[("1M", key)]
            row = {"key": key, "label": label, "role": role,
                   "small": statistics.median(small), "small_p95": p95(small),
                   "large": statistics.median(large), "large_p95": p95(large),
                   "q_small": sides["1k"]["info"]["queries"][key], "q_large": sides["1M"]["info"]["queries"][key],
                   "kib": sides["1M"]["info"]["sizes"][key] / 1024}
            peer_key = key.split("_")[0] if key.split("_")[0] in ("dashboard", "list", "detail") else None
            if peer and peer_key and times[("peer", peer_key)]:
                row["peer"] = statistics.median(times[("peer", peer_key)])
            result.append(row)
            peer_cells = (f"{row['peer']:.0f} | {row['large'] / row['peer']:.3f}" if "peer" in row else "– | –")
            print(f"| {label} | {role} | {row['small']:.0f} / {row['small_p95']:.0f} | {row['large']:.0f} / "
                  f"{row['large_p95']:.0f} | {row['large'] / row['small']:.2f} | {row['q_small']} / "
                  f"{row['q_large']} | {row['kib']:.0f} | {peer_cells} |")
        if args.wrk:
            s = sides["1M"]
            print(f"\nwrk -c 32 -d {args.wrk}s at 1M (load {os.getloadavg()[0]:.2f} before):")
            for key, role, url in (("dashboard", "leader", "/dashboards/?year=2025"), ("list", "district staff", "/items/")):
                w = run_wrk(s["base"], s["info"]["session_cookie"], s["info"]["cookies"][role], url, args.wrk,
                            args.out / f"wrk-{stamp}.log")
                print(f"  {key} as {role}: {w}")
        (args.out / f"peer-bench-{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    finally:
        for proc in procs:
            stop(proc)


if __name__ == "__main__":
    main()
