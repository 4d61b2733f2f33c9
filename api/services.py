"""Writes of the API: issuing, refreshing and revoking device tokens (接口登录设备), and purging the
stored answers of idempotent POSTs. Tokens are opaque (``secrets.token_urlsafe``) and kept only as
SHA-256 digests: 256 random bits need no slow hash, and a database leak gives nobody a working token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.choices import EventKind
from audit.services import security_event_record

from .models import Device, IdempotencyRecord

ACCESS_PREFIX = "xsa_"
REFRESH_PREFIX = "xsr_"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class IssuedTokens:
    """The raw tokens, shown once to the client that signed in; only their digests are stored."""

    device: Device
    access_token: str
    refresh_token: str


def _new_pair(now: dt.datetime) -> dict:
    access, refresh = ACCESS_PREFIX + secrets.token_urlsafe(32), REFRESH_PREFIX + secrets.token_urlsafe(32)
    return {
        "raw": (access, refresh),
        "fields": {
            "access_digest": digest(access), "refresh_digest": digest(refresh),
            "access_expires_at": now + dt.timedelta(minutes=settings.API_ACCESS_TOKEN_MINUTES),
        },
    }


def _client(request) -> dict:
    from audit.context import client_ip

    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]}


def device_sign_in(*, user, name: str, request) -> IssuedTokens:
    """A new device for `user` (signed in by password or WeChat): a fresh token pair, audited."""
    now = timezone.now()
    pair = _new_pair(now)
    device = Device.objects.create(
        user=user, name=(name or "")[:100], last_used_at=now,
        refresh_expires_at=now + dt.timedelta(days=settings.API_REFRESH_TOKEN_DAYS), **pair["fields"],
        **_client(request))
    security_event_record(kind=EventKind.LOGIN, user=user, request=request, obj=device,
                          detail={"via": "api", "device": device.name})
    return IssuedTokens(device, *pair["raw"])


def device_refresh(*, refresh_token: str, request) -> IssuedTokens | None:
    """Both tokens replaced, for a live refresh token; None when it is unknown, expired or revoked.
    The row lock makes a refresh token good for one refresh only, even when two arrive at once."""
    now = timezone.now()
    with transaction.atomic():
        device = (Device.objects.select_for_update().live(now).select_related("user")
                  .filter(refresh_digest=digest(refresh_token or "")).first())
        if device is None or not device.user.is_active:
            return None
        pair = _new_pair(now)
        for name, value in pair["fields"].items():
            setattr(device, name, value)
        device.last_used_at = now
        device.save(update_fields=[*pair["fields"], "last_used_at"])
    return IssuedTokens(device, *pair["raw"])


def device_revoke(*, device: Device, actor, request=None) -> bool:
    """Sign a device out (by its user or an admin): both tokens stop at once. False if it already was."""
    changed = Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor)
    if changed:
        security_event_record(kind=EventKind.LOGOUT, user=device.user, request=request, obj=device,
                              detail={"via": "api", "device": device.name,
                                      "by": actor.get_username() if actor is not None else ""})
    return bool(changed)


def device_touch(device: Device, now: dt.datetime) -> None:
    """Keep the idle clock of a device in use, with at most one write a minute."""
    if now - device.last_used_at > dt.timedelta(seconds=60):
        Device.objects.filter(pk=device.pk).update(last_used_at=now)
        device.last_used_at = now


def idempotency_purge(*, now: dt.datetime | None = None) -> int:
    """Delete stored answers older than API_IDEMPOTENCY_HOURS (a retry comes within minutes)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
