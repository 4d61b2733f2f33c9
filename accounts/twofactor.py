"""Two-factor sign-in (两步验证, issue 17): TOTP through django-otp and ten one-time recovery codes.

- Enrolment (`totp_device_start` → `totp_device_confirm`): an unconfirmed TOTPDevice is shown as a QR code
  (segno, inline SVG drawn on the server) and confirmed by one code from the app; confirming issues the
  recovery codes, shown once, kept only as digests.
- Sign-in: the password step (accounts.views.LoginView) of a user with a confirmed authenticator does not
  sign in; it leaves a *pending* sign-in in the session (`pending_set`) and the code step
  (`user_otp_verify`) finishes it with django.contrib.auth.login, so the sign-in signal (audit event,
  我的登录设备 row, axes reset) fires once, for the complete sign-in, with the device already in the
  session. A wrong code is a failed sign-in for django-axes and the audit log (user_login_failed).
- Enforcement: users of a role in ``OTP_REQUIRED_ROLES`` without a confirmed authenticator are sent to
  enrolment (accounts.middleware.TwoFactorRequiredMiddleware).
- `user_otp_reset`: an admin removes a user's devices (lost phone); their sessions end.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper
PENDING_KEY = "_xs_otp_pending"
SHOWN_CODES_KEY = "_xs_recovery_codes"
# PBKDF2 rounds for a recovery code digest: 50 random bits each, so a leaked table stays useless, while a
# sign-in derives one digest (the salt is per user, the lookup an index).
_ROUNDS = 20_000


def recovery_code_digest(salt: str, code: str) -> str:
    normal = "".join(ch for ch in code.lower() if ch in _ALPHABET)
    if len(normal) != 10:
        return ""
    return hashlib.pbkdf2_hmac("sha256", normal.encode(), salt.encode(), _ROUNDS).hex()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


# ---- reads ------------------------------------------------------------------------------------------


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def required_for(user) -> bool:
    """Whether ``OTP_REQUIRED_ROLES`` asks this user for a second factor."""
    roles = set(getattr(settings, "OTP_REQUIRED_ROLES", None) or ())
    return bool(roles) and bool(user.roles & roles)


def session_verified(request) -> bool:
    """Whether this request's session passed the second factor (django-otp's state: the device in the
    session, checked by OTPMiddleware; right after login() the plain session key)."""
    is_verified = getattr(getattr(request, "user", None), "is_verified", None)
    if callable(is_verified):
        return bool(is_verified())
    return bool(getattr(request, "session", {}).get(DEVICE_ID_SESSION_KEY))


def throttled(device: TOTPDevice | None) -> bool:
    """django-otp waits longer after each wrong code (1, 2, 4 … s): a code sent too soon is not checked."""
    return device is not None and not device.verify_is_allowed()[0]


def recovery_codes_left(user) -> int:
    from .models import RecoveryCode

    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True, used_at__isnull=True).count()


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code (no image request, nothing sent elsewhere)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, title="QR")


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing it into an app by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


# ---- writes -----------------------------------------------------------------------------------------


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per user; a fresh key each time it is created)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm `device` with a code from the app: it replaces any earlier authenticator, this session is
    verified with it, and ten new recovery codes are returned (to be shown once). None: wrong code."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_generate(user=user)
    from django_otp import login as otp_login

    otp_login(request, device)
    _session_mark_verified(request)
    from audit.choices import EventKind
    from audit.services import security_event_record

    security_event_record(kind=EventKind.OTP_ENROL, user=user, request=request, obj=user,
                          detail={"account": user.get_username(), "device": "totp"})
    return codes


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """Ten new recovery codes for `user` (the old ones stop working); returns them in clear, once."""
    from .models import RecoveryCode, RecoveryCodeDevice

    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="恢复码", confirmed=True,
                                               salt=secrets.token_hex(16))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=recovery_code_digest(device.salt, c)) for c in codes])
    return codes


@transaction.atomic
def user_otp_reset(*, user, actor=None) -> int:
    """An admin's 重置两步验证: every authenticator and recovery code of `user` goes, and so do their
    sessions; at the next sign-in a user whose role requires it enrols again. Returns devices removed."""
    from .models import RecoveryCodeDevice
    from .services import user_sessions_end_others

    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += RecoveryCodeDevice.objects.filter(user=user).delete()[0]
    user_sessions_end_others(user=user, keep_session_key="")
    from audit.choices import EventKind
    from audit.services import security_event_record

    detail = {"account": user.get_username()}
    if actor is not None:
        detail["by"] = actor.get_username()
    security_event_record(kind=EventKind.OTP_RESET, user=actor, obj=user, detail=detail)
    return removed


def _session_mark_verified(request) -> None:
    from .models import UserSession

    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).update(otp_verified=True)


# ---- the pending sign-in (between the password step and the code step) ------------------------------


def pending_set(request, *, user, next_url: str) -> None:
    request.session.cycle_key()  # a fixed session id must not carry over into the signed-in session
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time(), "next": next_url}


def pending_get(request):
    """(user, backend, next_url) of the pending sign-in, or None (none, or older than OTP_PENDING_SECONDS)."""
    from .models import User

    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data.get("at", 0) > settings.OTP_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    return (user, data["backend"], data.get("next") or "") if user else None


def pending_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)


def user_otp_verify(*, request, user, backend: str, token: str) -> str | None:
    """The code step: a code of the user's authenticator or one of their recovery codes signs them in
    (returns "totp" or "recovery"); anything else is a failed sign-in (axes counts it; None)."""
    from django.contrib.auth import login as auth_login
    from django.contrib.auth.signals import user_login_failed

    from .models import RecoveryCodeDevice

    token = (token or "").strip().replace(" ", "")
    device, kind = None, None
    totp = confirmed_totp(user)
    if token.isdigit() and totp is not None:
        if totp.verify_token(token):
            device, kind = totp, "totp"
    elif token:
        recovery = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
        if recovery is not None and recovery.verify_token(token):
            device, kind = recovery, "recovery"
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request,
                               reason="otp")
        return None
    pending_clear(request)
    user.otp_device = device  # django-otp's user_logged_in receiver puts it in the session, before ours run
    auth_login(request, user, backend=backend)
    if kind == "recovery":
        from audit.choices import EventKind
        from audit.services import security_event_record

        security_event_record(kind=EventKind.OTP_RECOVERY_USED, user=user, request=request, obj=user,
                              detail={"account": user.get_username(), "left": recovery_codes_left(user)})
    return kind
