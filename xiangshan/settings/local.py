"""Settings for the quick start (`python3 dev.py run`) on a developer's or evaluator's machine.

`dev.py run` serves these with gunicorn and DEBUG off, as a district will run it: the product's own
Chinese 404/403/500 pages, static files through whitenoise. `dev.py run --dev` sets DEBUG=true for
runserver's autoreload and Django's debug page.
"""

from .base import *  # noqa: F401,F403
from .base import DATABASES, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-secret-7f9c2b1e5d")
DEMO_ACCOUNTS = True

# The address dev.py serves on (HOST) is accepted besides the loopback names. Bound to every
# interface (0.0.0.0, ::) the machine is reached by whatever name or address the LAN uses, so any
# host is accepted: local settings only, never production.
_HOST = env("HOST", default="127.0.0.1").strip("[]")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] + (
    ["*"] if _HOST in {"0.0.0.0", "::"} else [f"[{_HOST}]" if ":" in _HOST else _HOST]))  # IPv6 in brackets

# No persistent connections: runserver opens a thread per client connection and each thread kept
# its own PostgreSQL connection for a minute (dozens idle, then "too many clients"); gunicorn's
# threads and the Celery worker gain nothing measurable from reuse on one machine.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

# Static files come straight from the finders: no collectstatic step in the quick start. With DEBUG
# off whitenoise indexes them once at start-up; with --dev it looks again on every request.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
