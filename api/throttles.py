"""Rate limits of the API (DRF throttles, counted in the Redis "api" cache): per account, per client
address, and a tighter one for password sign-in. A 429 carries Retry-After. Rates are read from
``settings.API_THROTTLE_RATES`` at call time. When Redis cannot be reached the request is served:
a counter that is down must not take the API down (as suggestions/public.py does for public pages)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from rest_framework import throttling

logger = logging.getLogger(__name__)


class _RedisThrottle(throttling.SimpleRateThrottle):
    def __init__(self):
        self.cache = caches["api"]
        super().__init__()

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # Redis down or slow: serve the request, say so in the log
            logger.warning("接口访问频率计数失败(Redis 不可用):%s", exc)
            return True

    def _ip(self, request) -> str:
        from audit.context import client_ip

        return client_ip(request) or self.get_ident(request)


class UserThrottle(_RedisThrottle):
    """Per signed-in account, whichever device or session it calls from."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class IPThrottle(_RedisThrottle):
    """Per client address, signed in or not."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self._ip(request)}


class SignInThrottle(IPThrottle):
    """Password sign-in per address (django-axes locks the account after repeated failures)."""

    scope = "sign_in"
