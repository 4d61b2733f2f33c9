"""Rate limits of the resident pages, counted in Redis (fixed windows).

Checked before anything is stored, so a refused request leaves only its counter behind. Unlike the
disclosure pages (suggestions/public.py) these fail closed: every SMS costs money and can be abused, so
when the counter cannot be reached nothing is sent."""

from __future__ import annotations

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


def _conn():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)


def hit(scope: str, who: str, rules: list[tuple[int, int]]) -> bool:
    """Count one attempt of `who` in `scope` against each (limit, window seconds) rule; True when any rule
    is now exceeded. The attempt is counted either way (a flood stays refused)."""
    now = int(time.time())
    try:
        pipe = _conn().pipeline()
        for _limit, window in rules:
            key = f"xiangshan:residents:{scope}:{window}:{who}:{now // window}"
            pipe.incr(key)
            pipe.expire(key, window + 60)
        counts = pipe.execute()[0::2]
    except Exception as exc:
        logger.warning("群众来信频率计数失败(Redis 不可用):%s", exc)
        raise LimitUnavailable from exc
    return any(count > limit for count, (limit, _w) in zip(counts, rules, strict=True))


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
