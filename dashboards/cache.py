"""The dashboards' figures kept between requests (issue 16): a period's figures for a scope cost the same
queries for every leader who opens the page, and every export and the print view ask for them again.

They are kept in Redis (the "nav" cache alias) for `DASHBOARD_CACHE_SECONDS` under a key holding the value
of the `dashboards_generation` sequence, which a statement trigger on every table the figures read
advances (migration 0010): after any change — the workflow, an import, the admin, raw SQL — the next
request finds no copy under the new value and counts again, so a kept copy is never served once the
change is committed and visible. The one window left: a request that reads the counter after a writer's
statement but before its commit counts without that change and keeps the result under the new value;
the change then shows when the copy expires (at most `DASHBOARD_CACHE_SECONDS`), or at the next change.
The key also holds the day (逾期 depends on it), the period, the scope and the language. If Redis is down
the figures are counted as before."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import translation

log = logging.getLogger(__name__)

# Bumped when the shape of what is kept changes, so an upgraded server never reads an older copy.
VERSION = 1


def generation() -> int:
    """The counter's current value (one tiny query: a sequence's own row)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) FROM dashboards_generation")
        return cursor.fetchone()[0]


def key(period, scope, day, gen: int) -> str:
    parts = (VERSION, gen, day.isoformat(), period.kind, period.start.isoformat(), period.end.isoformat(),
             sorted(scope.params().items()), translation.get_language())
    # A key every web worker computes alike (not the per-process salted hash()).
    return f"dash:{gen}:{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"


def kept(period, scope, day, compute):
    """`compute()` (the figures of `period` and `scope` on `day`), or its copy kept since nothing changed."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute()
    store = caches[settings.NAV_BADGE_CACHE]
    name = key(period, scope, day, generation())
    try:
        hit = store.get(name)
    except Exception:  # noqa: BLE001 - Redis down or a copy that no longer loads: count
        log.warning("dashboard figures: cache unavailable, counting", exc_info=True)
        hit = None
    if hit is not None:
        return hit
    value = compute()
    try:
        store.set(name, value, seconds)
    except Exception:  # noqa: BLE001
        log.warning("dashboard figures: could not keep them", exc_info=True)
    return value
