"""Who is calling: a device's access token (``Authorization: Bearer xsa_…``) for the mini-program and
other systems, or the site's own session (DRF's SessionAuthentication, CSRF checked on writes)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import Device
from .services import device_touch, digest


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    """A live access token: not revoked, not past its expiry, and used within the idle timeout
    (API_TOKEN_IDLE_MINUTES). A request without a Bearer token is left to the next authenticator."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("登录凭证格式不正确。"))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("登录凭证格式不正确。"))
        now = timezone.now()
        device = (Device.objects.select_related("user").filter(access_digest=digest(raw), revoked_at__isnull=True)
                  .first())
        if device is None or not device.user.is_active:
            raise exceptions.AuthenticationFailed(_("登录凭证无效或已注销,请重新登录。"))
        idle = dt.timedelta(minutes=settings.API_TOKEN_IDLE_MINUTES)
        if device.access_expires_at <= now or now - device.last_used_at > idle:
            raise exceptions.AuthenticationFailed(_("登录凭证已过期,请用刷新令牌换取新的访问令牌。"))
        device_touch(device, now)
        return device.user, device

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the device token."""

    target_class = DeviceTokenAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token 签发的访问令牌"}
