"""Rate limits of the resident pages, counted in Redis (fixed windows).

Checked before anything is stored, so a refused request leaves only its counter behind. Unlike the
disclosure pages (suggestions/public.py) these fail closed: every SMS costs money and can be abused, so
when the counter cannot be reached nothing is sent."""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)

MINUTE, HOUR, DAY = 60, 3600, 86400


def client_ip(request) -> str:
    # The proxy in front (nginx) sets X-Real-IP; without one, the socket's address.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "") or "unknown"


class LimitUnavailable(Exception):
    """The counter (Redis) cannot be reached."""


@functools.lru_cache(maxsize=4)
def _client(url: str):
    # One client (and its connection pool) per process and URL: a new client per call would open a new
    # connection, with its handshake, for every check (three per report). redis-py's pool is thread-safe
    # and starts afresh in a forked worker.
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def _conn():
    return _client(settings.REDIS_URL)


# Counts several checks in one round trip, in order, stopping at the first check one of whose rules is
# now exceeded (the later checks are not counted, as if they had been asked one after another).
# KEYS: one per rule. ARGV: the number of checks, then per check its number of rules, then per rule its
# limit and its expiry. Returns the 1-based index of the first check exceeded, or 0.
_HIT_MANY = """
local k, a = 1, 2
for c = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a]); a = a + 1
  local over = false
  for r = 1, n do
    local count = redis.call('INCR', KEYS[k])
    redis.call('EXPIRE', KEYS[k], tonumber(ARGV[a + 1]))
    if count > tonumber(ARGV[a]) then over = true end
    k = k + 1; a = a + 2
  end
  if over then return c end
end
return 0
"""


@functools.lru_cache(maxsize=4)
def _script(url: str):
    return _client(url).register_script(_HIT_MANY)


def hit_many(checks: list[tuple[str, str, list[tuple[int, int]]]]) -> int | None:
    """Count the attempt against each (scope, who, rules) check in order, in one Redis round trip; the
    index of the first check now exceeded (its counters and those before it counted, the later ones
    not), or None when none is."""
    now = int(time.time())
    keys, args = [], [len(checks)]
    for scope, who, rules in checks:
        args.append(len(rules))
        for limit, window in rules:
            keys.append(f"xiangshan:residents:{scope}:{window}:{who}:{now // window}")
            args += [limit, window + 60]
    try:
        index = int(_script(settings.REDIS_URL)(keys=keys, args=args))
    except Exception as exc:
        logger.warning("群众来信频率计数失败(Redis 不可用):%s", exc)
        raise LimitUnavailable from exc
    return index - 1 if index else None


def hit(scope: str, who: str, rules: list[tuple[int, int]]) -> bool:
    """Count one attempt of `who` in `scope` against each (limit, window seconds) rule; True when any rule
    is now exceeded. The attempt is counted either way (a flood stays refused)."""
    return hit_many([(scope, who, rules)]) is not None


def phone_rules() -> list[tuple[int, int]]:
    """Per number: 1 a minute, 5 an hour, 10 a day (issue 13), configurable."""
    per_minute, per_hour, per_day = getattr(settings, "RESIDENT_SMS_LIMITS", (1, 5, 10))
    return [(per_minute, MINUTE), (per_hour, HOUR), (per_day, DAY)]


def ip_rules() -> list[tuple[int, int]]:
    per_hour, per_day = getattr(settings, "RESIDENT_IP_LIMITS", (10, 30))
    return [(per_hour, HOUR), (per_day, DAY)]


def code_rules() -> list[tuple[int, int]]:
    return [(getattr(settings, "RESIDENT_CODE_LIMIT_PER_HOUR", 60), HOUR)]


def rate_rules() -> list[tuple[int, int]]:
    """Ratings from the status page, per IP and per report: a few a minute, 20 an hour."""
    per_minute, per_hour = getattr(settings, "RESIDENT_RATE_LIMITS", (5, 20))
    return [(per_minute, MINUTE), (per_hour, HOUR)]
