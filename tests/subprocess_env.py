"""The environment for a process a test starts (a Celery worker, `manage.py`, gunicorn).

A child must reach the same servers as the test process: the test database (test_<name>) and the
Redis the suite uses, whether those are TCP servers (CI) or the embedded ones `dev.py test` starts, whose
PostgreSQL listens only on a socket directory under var/. The URLs are rebuilt from the connection the
test process actually uses, never from a guess such as postgres://USER@HOST:PORT/NAME, which loses a
socket directory (django-environ keeps `?host=/path` in OPTIONS, not in HOST) and sends the child to
another server.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

# Variables a child must not inherit from the test run: they would override what we pass or
# change what the child does (a developer's DEBUG=1, a stray PGHOST or CONN_MAX_AGE).
_NEVER_INHERITED = {"DATABASE_URL", "REDIS_URL", "DEBUG", "CONN_MAX_AGE", "DJANGO_SETTINGS_MODULE",
                    "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"}


def database_url(db: dict | None = None) -> str:
    """A DATABASE_URL that django-environ turns back into the same connection settings."""
    if db is None:
        from django.db import connections

        db = connections["default"].settings_dict  # inside the test session NAME is the test database
    options = {k: v for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int | float)}
    host = str(db.get("HOST") or options.pop("host", "") or "")
    port = str(db.get("PORT") or "")
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    if host.startswith("/"):
        # A socket directory cannot sit in the authority part: libpq's `host` option takes it.
        netloc = f"{auth}@"
        options = {"host": host, **({"port": port} if port else {}), **options}
    else:
        netloc = f"{auth}@{host or '127.0.0.1'}" + (f":{port}" if port else "")
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{netloc}/{quote(db['NAME'], safe='')}{query}"


def child_env(*, settings_module: str = "xiangshan.settings.test", drop: Iterable[str] = (), **extra: str) -> dict:
    """os.environ for a child process, pointed at this test run's database and Redis.

    `drop` removes variables (to test what happens when one is missing); `extra` then adds or overrides.
    """
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in _NEVER_INHERITED}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, "DATABASE_URL": database_url(),
                "REDIS_URL": settings.CELERY_BROKER_URL})
    for name in drop:
        env.pop(name, None)
    env.update(extra)
    return env


@contextmanager
def celery_worker(queue: str, *, broker_url: str, stdout=subprocess.DEVNULL, level: str = "warning"):
    """A real `celery -A xiangshan worker` consuming only `queue` (so no other worker takes a test's
    tasks), stopped and its queue deleted afterwards."""
    root = Path(__file__).resolve().parents[1]
    celery = Path(sys.executable).with_name("celery")
    proc = subprocess.Popen(
        [str(celery), "-A", "xiangshan", "worker", "-Q", queue, "-P", "solo", "-l", level,
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=root, env=child_env(), stdout=stdout, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        import redis

        redis.Redis.from_url(broker_url).delete(queue)
