"""Where one resident request's CPU goes (issue 13): the intake's three steps, one resident after another
(no burst), served by one gunicorn sync worker (the test settings, as residents_load_bench.py) whose WSGI
application is wrapped to time — or with --profile, to cProfile — each step; the same three steps then
run in this process through Django's WSGI handler directly, for the in-process figure.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_residents_bench REDIS_URL=redis://127.0.0.1:6379/14
    .venv/bin/python bench/residents_profile.py [--residents 40] [--profile page|submit|verify]

Reported per step: the worker's CPU per request (thread time inside the application, median), the
worker process's whole CPU per request (psutil: gunicorn's parsing and writing too) and the queries.
"""

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")

STEP_OF = [("verify", re.compile(r"^/q/s/[^/]+/verify/$"), "POST"), ("submit", re.compile(r"^/q/[^/]+/$"), "POST"),
           ("page", re.compile(r"^/q/[^/]+/$"), "GET")]


def step_of(environ) -> str:
    for name, pattern, method in STEP_OF:
        if environ["REQUEST_METHOD"] == method and pattern.match(environ["PATH_INFO"]):
            return name
    return ""


class Measured:
    """A WSGI application timing (or profiling) the wrapped one per step; results on GET /__measured."""

    def __init__(self, app, profile: str = ""):
        import cProfile

        from django.db import connection

        self.app, self.profile, self.connection = app, profile, connection
        self.cpu: dict[str, list[float]] = {}
        self.queries: dict[str, list[int]] = {}
        self.profiler = cProfile.Profile(time.thread_time) if profile else None  # CPU, not waits
        self.gc = {"collections": [0, 0, 0], "ms": [0.0, 0.0, 0.0]}
        self._gc_started = 0.0
        import gc

        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase, info):
        if phase == "start":
            self._gc_started = time.thread_time()
        else:
            self.gc["collections"][info["generation"]] += 1
            self.gc["ms"][info["generation"]] += (time.thread_time() - self._gc_started) * 1000

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/__measured":
            return self.report(start_response)
        step = step_of(environ)
        profiling = self.profiler is not None and step == self.profile
        counter = _QueryCounter()
        with self.connection.execute_wrapper(counter):
            if profiling:
                self.profiler.enable()
            t = time.thread_time()
            result = self.app(environ, start_response)
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
            spent = time.thread_time() - t
            if profiling:
                self.profiler.disable()
        if step:
            self.cpu.setdefault(step, []).append(spent * 1000)
            self.queries.setdefault(step, []).append(counter.count)
        return [body]

    def report(self, start_response):
        import pstats

        out = {"cpu": self.cpu, "queries": self.queries, "gc": self.gc}
        if self.profiler is not None:
            text = io.StringIO()
            pstats.Stats(self.profiler, stream=text).sort_stats("cumulative").print_stats(70)
            text.write("\n---- by own time ----\n")
            pstats.Stats(self.profiler, stream=text).sort_stats("tottime").print_stats(40)
            out["profile"] = text.getvalue()
        data = json.dumps(out).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def gunicorn_app():
    """gunicorn's entry point (`residents_profile:gunicorn_app()`)."""
    from xiangshan.wsgi import application

    return Measured(application, os.environ.get("PROFILE_STEP", ""))


def flow(base, url, gateway_url, residents, first=0):
    """Each resident in turn: the page, the report, the code."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    def post(opener, target, data, ip):
        request = urllib.request.Request(target, data=urllib.parse.urlencode(data).encode(),
                                         headers={"Referer": target, "X-Real-IP": ip})
        try:
            response = opener.open(request, timeout=15)
            return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")

    for i in range(first, first + residents):
        ip, phone = f"10.7.{i // 250}.{i % 250 + 1}", f"138{i:08d}"
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)
        html = opener.open(urllib.request.Request(url, headers={"X-Real-IP": ip}), timeout=15).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, location = post(opener, url, {
            "csrfmiddlewaretoken": token, "category": "urban", "text": f"小区路灯坏了,第 {i} 号居民反映。",
            "address": "周庄社区", "phone": phone, "consent": "on"}, ip)
        assert status == 302 and "/verify/" in location, (status, location)
        sms = ""
        for _ in range(100):  # the code may come from a worker
            try:
                sms = json.loads(urllib.request.urlopen(f"{gateway_url}/code/{phone}", timeout=5).read())["code"]
                break
            except urllib.error.HTTPError:
                time.sleep(0.05)
        verify = urllib.parse.urljoin(base, location)
        status, location = post(opener, verify, {"csrfmiddlewaretoken": token, "code": sms}, ip)
        assert status == 302 and "new=1" in location, (status, location)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=40)
    parser.add_argument("--profile", default="", choices=["", "page", "submit", "verify"])
    args = parser.parse_args()
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("DATABASE_URL must name a bench database (its reports are deleted)")
    import django

    django.setup()
    import psutil
    import redis
    from django.conf import settings
    from residents_load_bench import _free_port, seed

    code = seed()
    conn = redis.Redis.from_url(settings.REDIS_URL)
    for key in conn.scan_iter("xiangshan:residents:*"):
        conn.delete(key)
    gateway_port = _free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    gateway = subprocess.Popen([sys.executable, str(ROOT / "bench/residents_load_bench.py"), "--gateway",
                                str(gateway_port), "0"], cwd=ROOT)
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xiangshan.settings.test", "ALLOWED_HOSTS": "127.0.0.1",
           "RESIDENT_SMS_BASE_URL": gateway_url, "PROFILE_STEP": args.profile,
           "PYTHONPATH": str(ROOT / "bench")}
    extra = _start_extra(env)
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "residents_profile:gunicorn_app()",
                               "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        url = f"{base}/q/{code.token}/"
        flow(base, url, gateway_url, 5)  # warm-up
        urllib.request.urlopen(base + "/__measured").read()
        worker = psutil.Process(server.pid).children()[0]
        before = sum(worker.cpu_times()[:2])
        flow(base, url, gateway_url, args.residents, first=5)
        whole = (sum(worker.cpu_times()[:2]) - before) * 1000 / (args.residents * 3)
        measured = json.loads(urllib.request.urlopen(base + "/__measured").read())
    finally:
        server.terminate()
        server.wait(10)
        for proc in extra:
            proc.terminate()
            proc.wait(10)
        gateway.terminate()
        gateway.wait(10)
    print(f"load {os.getloadavg()[0]:.2f}; gunicorn, 1 sync worker, {args.residents} residents one after another")
    for step in ("page", "submit", "verify"):
        xs = measured["cpu"][step][5:]
        print(f"  {step:7} CPU in the app median {statistics.median(xs):.1f} ms (min {min(xs):.1f}), "
              f"queries {statistics.median(measured['queries'][step][5:]):.0f}")
    print(f"  the worker process, all steps: {whole:.1f} ms CPU per request")
    gc = measured["gc"]
    print("  garbage collections (gen 0/1/2, whole run): " + ", ".join(
        f"{n} in {ms:.1f} ms" for n, ms in zip(gc["collections"], gc["ms"], strict=True)))
    if args.profile:
        print(measured["profile"])


def _start_extra(env) -> list:
    """Processes the intake needs besides the web server: the Celery worker that sends the receipts (on
    the bench's Redis database, its default queue emptied first)."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).delete("celery")
    return [subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "xiangshan", "worker", "-c", "1", "-l", "warning"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL)]


if __name__ == "__main__":
    main()
