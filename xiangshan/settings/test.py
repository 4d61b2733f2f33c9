"""Settings for the test suite: real PostgreSQL and Redis, fast hashing."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR

SECRET_KEY = "test-only-not-secret"
DEBUG = False
DEMO_ACCOUNTS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come straight from the finders (no collectstatic before tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests count the badges on every page (a test that wants them kept says so).
NAV_BADGE_CACHE_SECONDS = env.int("NAV_BADGE_CACHE_SECONDS", default=0)  # noqa: F405
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=0)  # noqa: F405
# The shared caches give up on Redis after 0.2-0.5 s in production (a page never waits on them); a test
# machine busy with the suite's own servers can stall that long, and a copy that failed to be kept would
# fail a test about keeping it. Redis down is still refused at once (nothing listens).
for _alias in ("api", "nav"):
    CACHES[_alias] = {**CACHES[_alias], "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5}}  # noqa: F405
