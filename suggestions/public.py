"""A small rate limit for pages without a login (STYLE.md "Public pages"): a fixed one-minute window
per client address, counted in Redis. When Redis cannot be reached the page is served (disclosure must
not go dark because the counter is down). The limit is `settings.PUBLIC_RATE_LIMIT` requests a minute
(read at call time; default 120)."""

from __future__ import annotations

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)


def _client(request) -> str:
    # The proxy in front (nginx) sets X-Real-IP; without one, the socket's address.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "") or "unknown"


def over_limit(request, scope: str) -> bool:
    """Count this request; True when the client went over the limit this minute."""
    import redis

    limit = getattr(settings, "PUBLIC_RATE_LIMIT", 120)
    key = f"xiangshan:ratelimit:{scope}:{_client(request)}:{int(time.time() // 60)}"
    try:
        conn = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        pipe = conn.pipeline()
        pipe.incr(key)
        pipe.expire(key, 120)
        count = pipe.execute()[0]
    except Exception as exc:  # a counter that is down must not take the page down
        logger.warning("公开页访问频率计数失败(Redis 不可用):%s", exc)
        return False
    return count > limit
