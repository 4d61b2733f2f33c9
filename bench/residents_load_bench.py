"""Residents' intake load test (issue 13): `--residents` residents open a deputy's QR page, submit a report
and confirm the SMS code all at once, against a real server on 127.0.0.1 (gunicorn, the test settings)
with a local fake SMS gateway over HTTP.

    createdb -h 127.0.0.1 -U postgres xs_residents_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_residents_bench REDIS_URL=redis://127.0.0.1:6379/14
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/residents_load_bench.py [--residents 50] [--workers 50]

Each resident comes from an address of their own (X-Real-IP, as the proxy in front sets it) with a number
of their own: GET the intake page, POST the report (the server sends the code through the gateway), read
the code the gateway received, POST it to the verify page; the receipt SMS then goes from a Celery worker
(`-c 2` at nice 10, as the production guide runs it; `--celery-concurrency 0` starts none, `--celery-nice` sets its
priority). All start together (a barrier). Reported: errors, median / p95 / max of each step (ms), reports
confirmed against residents (after a warm-up of 24 page loads, untimed), when the last SMS reached the
gateway, and the CPU seconds of each process group (the bench database's PostgreSQL backends only).
`--gateway-ms 100` makes the gateway answer as slowly as a remote one. Target: no error, none lost, p95 ≤
500 ms.
"""

import argparse
import json
import os
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
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")


def seed():
    from django.core.management import call_command

    from areas.models import Area
    from deputies.choices import Level, MandateStatus
    from deputies.models import CongressTerm, Deputy, Mandate
    from residents.models import Report, ResidentCode

    if not Area.objects.exists():
        call_command("loaddata", "xiangshan_areas", verbosity=0)
    area = Area.objects.get(name="东山街道")
    deputy = Deputy.objects.get_or_create(name="刘芳", defaults={"area": area})[0]
    term = CongressTerm.objects.get_or_create(level=Level.DISTRICT, number=12)[0]
    Mandate.objects.get_or_create(deputy=deputy, term=term, defaults={"area": area, "status": MandateStatus.IN_OFFICE})
    code = ResidentCode.objects.filter(deputy=deputy, kind="deputy").first() or ResidentCode.objects.create(
        kind="deputy", deputy=deputy, area=area)
    Report.objects.filter(code=code).delete()  # a previous run's reports
    return code


def gateway_main(port: int, delay_ms: int = 0) -> None:
    """The fake SMS gateway, in a process of its own (the clients' threads must not slow it down): POST
    records a message (answering after `delay_ms`, as a remote gateway would, without using CPU), GET
    /code/<phone> answers the last 6-digit code sent to that phone."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    codes, sent = {}, [0]

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            sent[0] += 1
            if delay_ms:
                time.sleep(delay_ms / 1000)
            found = re.search(r"验证码是 (\d{6})", body.get("text", ""))
            if found:
                codes[body["phone"]] = found.group(1)
            self._answer(200, {"code": 0})

        def do_GET(self):  # noqa: N802
            if self.path == "/sent":
                return self._answer(200, {"sent": sent[0]})
            phone = self.path.rsplit("/", 1)[-1]
            return self._answer(200 if phone in codes else 404, {"code": codes.get(phone, "")})

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if sys.argv[1:2] == ["--gateway"]:
        return gateway_main(int(sys.argv[2]), int(sys.argv[3]))
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=0,
                        help="spread the starts evenly over this many seconds (0: all at the same instant)")
    parser.add_argument("--server-workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn worker processes (default: one per CPU, as the production guide says)")
    parser.add_argument("--server-threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--celery-concurrency", type=int, default=2,
                        help="processes of the Celery worker that sends the receipts (0: start none)")
    parser.add_argument("--gateway-ms", type=int, default=0,
                        help="the fake gateway answers each SMS after this many ms (a remote gateway's latency)")
    parser.add_argument("--celery-pool", default="prefork", help="the Celery worker's pool (prefork, solo, threads)")
    parser.add_argument("--celery-nice", type=int, default=10,
                        help="run the Celery worker at this nice level (10, as dev.py and the production guide run it)")
    args = parser.parse_args()
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("DATABASE_URL must name a bench database (its reports are deleted)")
    import django

    django.setup()
    import redis
    from django.conf import settings

    code = seed()
    conn = redis.Redis.from_url(settings.REDIS_URL)
    for key in conn.scan_iter("xiangshan:residents:*"):
        conn.delete(key)
    gateway_port = _free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    gateway = subprocess.Popen([sys.executable, __file__, "--gateway", str(gateway_port), str(args.gateway_ms)],
                               cwd=ROOT)
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xiangshan.settings.test", "ALLOWED_HOSTS": "127.0.0.1",
           "RESIDENT_SMS_BASE_URL": gateway_url}
    # The Celery worker that sends the receipt SMS, as the production guide runs it (-c 2), on the bench's
    # own Redis database (its default queue emptied first).
    conn.delete("celery")
    worker = subprocess.Popen([*(["nice", "-n", str(args.celery_nice)] if args.celery_nice else []),
                               str(ROOT / ".venv/bin/celery"), "-A", "xiangshan", "worker", "-c",
                               str(args.celery_concurrency), "-P", args.celery_pool, "-l", "warning"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL) if args.celery_concurrency else None
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "xiangshan.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", str(args.server_workers), "--threads", str(args.server_threads),
                               "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    url = f"{base}/q/{code.token}/"
    if worker is not None:  # started once it took a task (of no report: it sends nothing)
        from residents.services import receipt_enqueue

        receipt_enqueue(report_id=0)
        for _ in range(300):
            if not conn.llen("celery"):
                break
            time.sleep(0.1)
        time.sleep(0.5)
    # Warm-up: every gunicorn worker imports and connects on its first requests, not timed.
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda n: urllib.request.urlopen(urllib.request.Request(
            url, headers={"X-Real-IP": f"10.8.0.{n + 1}"}), timeout=15).read(), range(24)))
    steps = {"page": [], "submit": [], "verify": []}
    errors, lock = [], threading.Lock()
    barrier = threading.Barrier(min(args.residents, args.workers))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    def timed(step, fn):
        t = time.perf_counter()
        try:
            return fn()
        finally:
            with lock:
                steps[step].append((time.perf_counter() - t) * 1000)

    def post(opener, target, data, ip):
        request = urllib.request.Request(target, data=urllib.parse.urlencode(data).encode(),
                                         headers={"Referer": target, "X-Real-IP": ip})
        try:
            response = opener.open(request, timeout=15)
            return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")

    def resident(i):
        ip, phone = f"10.9.{i // 250}.{i % 250 + 1}", f"139{i:08d}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
        if args.seconds:
            time.sleep(i * args.seconds / args.residents)
        else:
            try:
                barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                pass
        try:
            html = timed("page", lambda: opener.open(urllib.request.Request(url, headers={"X-Real-IP": ip}),
                                                     timeout=15).read().decode())
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            status, location = timed("submit", lambda: post(opener, url, {
                "csrfmiddlewaretoken": token, "category": "urban", "text": f"小区路灯坏了,第 {i} 号居民反映。",
                "address": "周庄社区", "phone": phone, "consent": "on"}, ip))
            if status != 302 or "/verify/" not in location:
                raise RuntimeError(f"submit answered {status} {location}")
            sms = json.loads(urllib.request.urlopen(f"{gateway_url}/code/{phone}", timeout=5).read())["code"]
            verify = urllib.parse.urljoin(base, location)
            status, location = timed("verify", lambda: post(opener, verify, {"csrfmiddlewaretoken": token,
                                                                              "code": sms}, ip))
            if status != 302 or "new=1" not in location:
                raise RuntimeError(f"verify answered {status} {location}")
        except Exception as exc:
            with lock:
                errors.append((i, repr(exc)[:200]))

    pids = {"web": server.pid, "gateway": gateway.pid, "celery": worker.pid if worker else None}
    cpu_before = _cpu(pids)
    sent_before = _sent(gateway_url)
    start = time.monotonic()
    try:
        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(resident, range(args.residents)))
        wall = time.monotonic() - start
        cpu = {k: v - cpu_before.get(k, 0.0) for k, v in _cpu(pids).items()}
        # The receipts may still be on their way from the worker: wait for them (up to 30 s).
        for _ in range(600):
            sent = _sent(gateway_url) - sent_before
            if sent >= 2 * args.residents:
                break
            time.sleep(0.05)
        last_sms = time.monotonic() - start
        cpu_all = {k: v - cpu_before.get(k, 0.0) for k, v in _cpu(pids).items()}
    finally:
        sent = _sent(gateway_url) - sent_before
        server.terminate()
        server.wait(10)
        if worker is not None:
            worker.terminate()
            worker.wait(20)
        gateway.terminate()
        gateway.wait(10)
    from residents.models import Report

    confirmed = Report.objects.filter(code=code).exclude(state="pending").count()

    def p95(xs):
        return statistics.quantiles(xs, n=20)[-1] if len(xs) > 1 else (xs[0] if xs else 0)

    print(f"residents {args.residents} in {wall:.1f} s, load {os.getloadavg()[0]:.1f}")
    print(f"errors {len(errors)} {errors[:5]}")
    for step, xs in steps.items():
        if xs:
            print(f"{step:7} median {statistics.median(xs):.0f} ms, p95 {p95(xs):.0f} ms, max {max(xs):.0f} ms")
    print(f"reports confirmed {confirmed} (expected {args.residents}), SMS sent {sent} "
          f"(the last {last_sms:.1f} s after the start)")
    print("CPU seconds during the burst: " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items())
          + f" (of {wall * os.cpu_count():.2f} the {os.cpu_count()} CPUs had)")
    print("CPU seconds until the last SMS: " + ", ".join(f"{k} {v:.2f}" for k, v in cpu_all.items()))


def _sent(gateway_url: str) -> int:
    return json.loads(urllib.request.urlopen(f"{gateway_url}/sent", timeout=5).read())["sent"]


def _cpu(pids: dict) -> dict:
    """CPU seconds (user + system) used so far by: this process (the 50 clients), the web server's
    workers, the fake gateway, the Celery worker and the PostgreSQL backends of the bench database
    (not those of other databases on the same server) — where the burst's time goes."""
    import psutil
    from django.conf import settings

    database = settings.DATABASES["default"]["NAME"]

    def used(procs):
        total = 0.0
        for proc in procs:
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def tree(pid):
        if pid is None:
            return []
        proc = psutil.Process(pid)
        return [proc, *proc.children(recursive=True)]

    def backend(proc):
        return proc.info["name"] == "postgres" and f" {database} " in " ".join(proc.info["cmdline"] or [])

    out = {"clients": used([psutil.Process()]), "web": used(tree(pids["web"])), "gateway": used(tree(pids["gateway"]))}
    if pids.get("celery"):
        out["celery"] = used(tree(pids["celery"]))
    out["postgres"] = used(p for p in psutil.process_iter(["name", "cmdline"]) if backend(p))
    return out


if __name__ == "__main__":
    main()
