"""Electronic vote benchmark (issue 12): `--deputies` deputies vote on the phone page within `--seconds`
against a real server on 127.0.0.1 (gunicorn, the test settings), then the vote is closed and the tally
checked against what was sent.

    createdb -h 127.0.0.1 -U postgres xs_projects_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_projects_bench REDIS_URL=redis://127.0.0.1:6379/14
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/projects_vote_bench.py [--deputies 300] [--seconds 60] [--workers 30]

Each deputy: GET the vote page (signed in beforehand: a session made by force_login), read the CSRF
token, POST a ballot for every candidate; a tenth of them vote a second time (a change of mind). Start
times are spread evenly over the window. Reported: errors, median and p95 of GET and POST (ms), the
ballots and the per-candidate 赞成/反对/弃权 against the expected ones. Target: no error, p95 ≤ 300 ms,
the tally exact.
"""

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import Cookie, CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")


def seed(n):
    from django.core.management import call_command

    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import roles_install, user_create
    from areas.models import Area
    from deputies.models import Deputy
    from projects import services
    from projects.choices import ElectorateKind
    from projects.models import Electorate, ElectorateMember, Project, VoteRound
    from units.models import HandlingUnit

    if not Area.objects.exists():
        call_command("loaddata", "xiangshan_areas", verbosity=0)
    roles_install()
    area = Area.objects.get(name="东山街道")
    staff = User.objects.filter(username="bench_dongshan").first() or user_create(
        username="bench_dongshan", password="bench-pw-1", full_name="周敏", roles=[Role.AREA_STAFF], area=area)
    electorate = Electorate.objects.get_or_create(area=area, defaults={"kind": ElectorateKind.RESIDENTS_MEETING,
                                                                       "name": "东山街道居民代表会议"})[0]
    Project.objects.filter(candidate__round__electorate=electorate).delete()  # a previous run's winners
    VoteRound.objects.filter(electorate=electorate).delete()
    have = {u.username for u in User.objects.filter(username__startswith="bench_dep_")}
    for i in range(n):
        name = f"bench_dep_{i:04d}"
        if name in have:
            continue
        user = user_create(username=name, password="bench-pw-1", full_name=f"代表{i}", roles=[Role.DEPUTY])
        Deputy.objects.create(name=f"代表{i}", user=user)
    users = list(User.objects.filter(username__startswith="bench_dep_").select_related("deputy").order_by("username")[:n])
    ElectorateMember.objects.filter(electorate=electorate).delete()
    ElectorateMember.objects.bulk_create([ElectorateMember(electorate=electorate, deputy=u.deputy) for u in users])
    unit = HandlingUnit.objects.get_or_create(name="相山区住房和城乡建设局")[0]
    import datetime
    from decimal import Decimal

    rnd = services.round_create(actor=staff, electorate=electorate, year=2026, session_name="基准测试会议", places=2)
    for name in ("老旧小区改造", "背街小巷亮化", "社区养老服务站"):
        services.candidate_add(round=rnd, actor=staff, data={
            "name": name, "content": name, "location": "东山街道", "total_investment": Decimal("1000000"),
            "year_investment": Decimal("1000000"), "unit": unit, "starts_on": datetime.date(2026, 3, 1),
            "completes_on": datetime.date(2026, 10, 31)})
    services.round_confirm_candidates(round=rnd, actor=staff)
    services.round_open(round=rnd, actor=staff)
    return rnd, staff, users


def sessions(users):
    from django.conf import settings
    from django.test import Client

    out = {}
    for u in users:
        c = Client()
        c.force_login(u, backend="django.contrib.auth.backends.ModelBackend")
        out[u.pk] = c.cookies[settings.SESSION_COOKIE_NAME].value
    return out


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cookie(name, value):
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--deputies", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=30)
    args = parser.parse_args()
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("DATABASE_URL must name a bench database (it is rebuilt)")
    import django

    django.setup()
    from django.conf import settings

    rnd, staff, users = seed(args.deputies)
    cookies = sessions(users)
    candidates = list(rnd.candidates.order_by("sort").values_list("pk", flat=True))
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xiangshan.settings.test", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "xiangshan.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", "3", "--threads", "4", "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    url = f"{base}/projects/rounds/{rnd.pk}/vote/"
    rng = random.Random(12)
    plan = {u.pk: [{c: rng.choice(["yes", "yes", "no", "abstain"]) for c in candidates}
                   for _ in range(2 if rng.random() < 0.1 else 1)] for u in users}
    gets, posts, errors, lock = [], [], [], threading.Lock()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    def voter(i, user):
        time.sleep(max(0, start + i * args.seconds / len(users) - time.monotonic()))
        jar = CookieJar()
        jar.set_cookie(_cookie(settings.SESSION_COOKIE_NAME, cookies[user.pk]))
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        for ballot in plan[user.pk]:
            try:
                t = time.perf_counter()
                html = opener.open(url, timeout=10).read().decode()
                g = (time.perf_counter() - t) * 1000
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
                data = urllib.parse.urlencode({"csrfmiddlewaretoken": token,
                                               **{f"c{c}": v for c, v in ballot.items()}}).encode()
                t = time.perf_counter()
                try:
                    opener.open(urllib.request.Request(url, data=data, headers={"Referer": url}), timeout=10)
                    status = 200
                except urllib.error.HTTPError as exc:
                    status = exc.code
                p = (time.perf_counter() - t) * 1000
                with lock:
                    gets.append(g)
                    posts.append(p)
                    if status != 302:
                        errors.append((user.username, status))
            except Exception as exc:
                with lock:
                    errors.append((user.username, repr(exc)))

    start = time.monotonic() + 1
    try:
        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(lambda iu: voter(*iu), enumerate(users)))
        wall = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(10)
    from projects import services

    rnd = services.round_close(round=rnd, actor=staff)
    expected = {c: {"yes": 0, "no": 0, "abstain": 0} for c in candidates}
    for ballots in plan.values():
        for c, v in ballots[-1].items():
            expected[c][v] += 1
    got = {c.pk: {"yes": c.yes, "no": c.no, "abstain": c.abstain} for c in rnd.candidates.all()}

    def p95(xs):
        return statistics.quantiles(xs, n=20)[-1] if len(xs) > 1 else (xs[0] if xs else 0)

    print(f"deputies {len(users)}, requests {len(gets)} GET + {len(posts)} POST in {wall:.1f} s, "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"errors {len(errors)} {errors[:5]}")
    print(f"GET  median {statistics.median(gets):.0f} ms, p95 {p95(gets):.0f} ms, max {max(gets):.0f} ms")
    print(f"POST median {statistics.median(posts):.0f} ms, p95 {p95(posts):.0f} ms, max {max(posts):.0f} ms")
    print(f"ballots {rnd.ballots_cast} (expected {len(users)}), tally exact: {got == expected}")


if __name__ == "__main__":
    main()
