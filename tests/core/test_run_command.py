"""`python3 dev.py run`: gunicorn with DEBUG off under the local settings, and the supervisor that
keeps web, worker and beat running (a child that dies is restarted; only stop() ends them)."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

import dev
from tests.subprocess_env import child_env

ROOT = Path(__file__).resolve().parents[2]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by a parent that is not us) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def drive(supervisor, until, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        supervisor.check()
        if until():
            return True
        time.sleep(interval)
    return False


@pytest.fixture
def supervise():
    made = []

    def _make(commands, **kwargs):
        lines = []
        sup = dev.Supervisor(commands, env=child_env(), report=lines.append, **kwargs)
        sup.lines = lines
        made.append(sup)
        sup.start()
        return sup

    yield _make
    for sup in made:
        sup.stop(timeout=3)


def test_the_worker_runs_at_a_lower_cpu_priority_than_the_web_server(supervise):
    """Background sends yield to web requests (a burst of residents confirming at once)."""
    sup = supervise({"web": SLEEPER, "worker": SLEEPER})
    pids = sup.pids()
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, pids["web"]) == mine
    assert os.getpriority(os.PRIO_PROCESS, pids["worker"]) == min(mine + dev.WORKER_NICE, 19)


def test_it_restarts_the_child_that_died_and_leaves_the_others_running(supervise):
    sup = supervise({"web": SLEEPER, "worker": SLEEPER, "beat": SLEEPER}, backoff=0.1)
    before = sup.pids()
    os.kill(before["worker"], signal.SIGKILL)
    assert drive(sup, lambda: sup.pids()["worker"] not in (None, before["worker"]))
    after = sup.pids()
    assert after["web"] == before["web"] and after["beat"] == before["beat"]
    assert alive(after["worker"]) and not alive(before["worker"])
    assert "worker exited (code -9, SIGKILL); restarting in 0.1s" in sup.lines
    assert f"started worker (pid {after['worker']})" in sup.lines


def test_it_waits_longer_each_time_a_child_keeps_crashing():
    crash = [sys.executable, "-c", "import sys; sys.exit(3)"]
    lines = []
    sup = dev.Supervisor({"worker": crash, "web": SLEEPER}, env=child_env(), backoff=0.2, stable_after=60,
                         report=lambda line: lines.append((time.monotonic(), line)))
    sup.start()
    try:
        web = sup.pids()["web"]
        assert drive(sup, lambda: sup.starts["worker"] >= 4, timeout=30)
        exits = [(t, float(m[1])) for t, line in lines
                 if (m := re.fullmatch(r"worker exited \(code 3\); restarting in ([\d.]+)s", line))]
        starts = [t for t, line in lines if line.startswith("started worker")]
        assert [delay for _, delay in exits[:3]] == [0.2, 0.4, 0.8]
        # Each restart waited its pause after the exit was seen, instead of spinning.
        for (exited, delay), restarted in zip(exits[:3], starts[1:4], strict=True):
            assert restarted - exited >= delay
        assert sup.pids()["web"] == web
    finally:
        sup.stop(timeout=3)


def test_it_cleans_up_what_a_dead_child_left_behind_before_starting_it_again(supervise, tmp_path):
    # Like a Celery worker killed with -9: its pool processes outlive it.
    pidfile = tmp_path / "pool.pid"
    parent = [sys.executable, "-c",
              "import subprocess, sys, time; "
              f"p = subprocess.Popen({SLEEPER!r}); open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(120)"]
    sup = supervise({"worker": parent}, backoff=0.1)
    assert drive(sup, pidfile.exists) and drive(sup, lambda: pidfile.read_text().strip() != "")
    pool = int(pidfile.read_text())
    pidfile.unlink()
    os.kill(sup.pids()["worker"], signal.SIGKILL)
    assert drive(sup, lambda: not alive(pool))
    assert drive(sup, pidfile.exists)


def test_it_stops_every_child_even_one_that_ignores_sigterm(tmp_path):
    stubborn = [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"]
    sup = dev.Supervisor({"web": SLEEPER, "worker": stubborn}, env=child_env(), report=lambda line: None)
    sup.start()
    time.sleep(0.5)  # let the stubborn one install its handler
    pids = sup.pids()
    started = time.monotonic()
    sup.stop(timeout=1)
    assert time.monotonic() - started < 5
    assert not any(alive(pid) for pid in pids.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


# libpq names the served process's connections, to tell them from the suite's own (the live server's) and
# from those of any other run on the same server (CI runs the suite twice; a developer may run two at once).
SERVED_APP = f"xiangshan-served-by-test-{os.getpid()}"


@pytest.fixture(scope="module")
def served(django_db_setup):
    """The web server exactly as `dev.py run` starts it, under the local settings, on the test database."""
    port = free_port()
    command = dev.run_commands(host="127.0.0.1", port=port, dev=False)["web"]
    proc = subprocess.Popen(command, cwd=ROOT, env=child_env(settings_module="xiangshan.settings.local", HOST="127.0.0.1",
                                                    PGAPPNAME=SERVED_APP),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if get(base + "/accounts/login/")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    assert proc.poll() is None, proc.stderr.read()
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_it_answers_a_mistyped_url_with_the_chinese_404_page_from_gunicorn(served):
    status, headers, body = get(served + "/no-such-page/")
    assert status == 404
    assert headers["Server"].startswith("gunicorn")
    assert 'data-testid="error-404"' in body and "页面不存在" in body
    assert "URLconf" not in body and "DEBUG = True" not in body  # not Django's debug page
    # Static files still come from whitenoise with DEBUG off, without collectstatic.
    status, headers, css = get(served + "/static/vendor/bootstrap/css/bootstrap.min.css")
    assert status == 200 and "text/css" in headers["Content-Type"] and "Bootstrap" in css


def test_it_accepts_the_loopback_names_and_refuses_other_hosts(served):
    port = served.rsplit(":", 1)[1]
    assert get(served + "/accounts/login/", host=f"localhost:{port}")[0] == 200
    assert get(served + "/accounts/login/", host=f"127.0.0.1:{port}")[0] == 200
    assert get(served + "/accounts/login/", host="evil.example")[0] == 400


@pytest.mark.django_db
def test_it_keeps_no_idle_database_connections_after_requests(served):
    for _ in range(12):
        assert get(served + "/healthz")[0] == 200

    def served_connections():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid, state, backend_start, state_change, left(query, 200) FROM pg_stat_activity"
                           " WHERE application_name = %s AND datname = current_database()", [SERVED_APP])
            return cursor.fetchall()

    # A loaded machine may take a while to finish the last request (gunicorn closes the response, and with it
    # the request's connection, after the client has read it): what counts is that none stays.
    deadline = time.monotonic() + 15
    while (left := served_connections()) and time.monotonic() < deadline:
        time.sleep(0.2)
    # With CONN_MAX_AGE=60 each gunicorn thread that answered keeps one open (runserver: one per client connection).
    assert left == []


@pytest.mark.parametrize("host, accepted, refused", [
    ("192.168.1.20", ["192.168.1.20:8000", "localhost:8000", "127.0.0.1"], ["evil.example", "192.168.1.21"]),
    ("fe80::1", ["[fe80::1]:8000", "localhost"], ["evil.example"]),
    ("0.0.0.0", ["192.168.1.20:8000", "rd.lan"], []),  # every interface: reached by whatever name the LAN uses
])
def test_it_accepts_the_host_it_serves_on_under_the_run_settings(host, accepted, refused):
    script = ("import json, sys; from django.test import Client; c = Client(); "
              "print(json.dumps({h: c.get('/accounts/login/', HTTP_HOST=h).status_code for h in sys.argv[1:]}))")
    result = subprocess.run([sys.executable, "-c", "import django, sys; django.setup(); exec(sys.argv.pop(1))", script,
                             *accepted, *refused],
                            cwd=ROOT, env=child_env(settings_module="xiangshan.settings.local", HOST=host),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert {h: statuses[h] for h in accepted} == dict.fromkeys(accepted, 200)
    assert {h: statuses[h] for h in refused} == dict.fromkeys(refused, 400)
