"""Settings for the quick start (`python3 dev.py run`) on a developer's or evaluator's machine."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-secret-7f9c2b1e5d")
DEMO_ACCOUNTS = True
# Static files come straight from the finders: no collectstatic step in the quick start.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
