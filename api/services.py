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


def device_sign_in(*, user, name: str, request, via: str = "api") -> IssuedTokens:
    """A new device for `user` (signed in by password, or ``via="wechat"``): a fresh token pair, audited."""
    now = timezone.now()
    pair = _new_pair(now)
    device = Device.objects.create(
        user=user, name=(name or "")[:100], last_used_at=now,
        refresh_expires_at=now + dt.timedelta(days=settings.API_REFRESH_TOKEN_DAYS), **pair["fields"],
        **_client(request))
    security_event_record(kind=EventKind.LOGIN, user=user, request=request, obj=device,
                          detail={"via": via, "device": device.name})
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


# ---- WeChat sign-in (微信登录) and binding by SMS ------------------------------------------------

BIND_PREFIX = "xsb_"
BIND_TTL = dt.timedelta(minutes=15)
CODE_TTL = dt.timedelta(minutes=10)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_SENDS = 5
MAX_ATTEMPTS = 5


class WeChatBindRefused(Exception):
    """A bind step refused with a message for the person (``status_code`` 400, 503 when the SMS counter
    or gateway is down). A refusal names no account: the answers for a mobile that matches none are the
    same as for one that matches."""

    def __init__(self, message, *, code: str, status_code: int = 400):
        super().__init__(str(message))
        self.message, self.code, self.status_code = str(message), code, status_code


@dataclass
class WeChatSignIn:
    """The outcome of a WeChat sign-in: the tokens when the openid is bound, else a raw bind token."""

    tokens: IssuedTokens | None = None
    bind_token: str = ""
    expires_at: dt.datetime | None = None


def wechat_sign_in(*, code: str, device_name: str, request) -> WeChatSignIn:
    """Exchange a mini-program login code (wx.login) with WeChat (api.wechat.WeChatClient, which raises
    WeChatError). A bound openid signs in as its account (a new device); an unknown one gets a short-lived
    bind token for wechat_bind_send / wechat_bind_confirm."""
    from django.utils.translation import gettext as _

    from .models import WeChatBinding, WeChatBindRequest
    from .wechat import WeChatClient, WeChatError

    identity = WeChatClient().code2session(code)
    now = timezone.now()
    binding = WeChatBinding.objects.select_related("user").filter(openid=identity.openid).first()
    if binding is not None:
        if not binding.user.is_active:
            raise WeChatError(_("该微信绑定的账号已停用,请联系系统管理员。"), code="account_inactive",
                              status_code=403)
        WeChatBinding.objects.filter(pk=binding.pk).update(last_used_at=now)
        return WeChatSignIn(tokens=device_sign_in(user=binding.user, name=device_name, request=request, via="wechat"))
    WeChatBindRequest.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()  # keep the table small
    raw = BIND_PREFIX + secrets.token_urlsafe(32)
    row = WeChatBindRequest.objects.create(token_digest=digest(raw), openid=identity.openid, expires_at=now + BIND_TTL)
    return WeChatSignIn(bind_token=raw, expires_at=row.expires_at)


def _bind_request(bind_token: str, *, lock: bool = False):
    from django.utils.translation import gettext as _

    from .models import WeChatBindRequest

    qs = WeChatBindRequest.objects.select_for_update() if lock else WeChatBindRequest.objects
    row = qs.filter(token_digest=digest(bind_token or ""), expires_at__gt=timezone.now()).first()
    if row is None:
        raise WeChatBindRefused(_("绑定已超时或无效,请重新打开小程序登录。"), code="invalid_bind_token")
    return row


def _code_digest(row_pk: int, mobile: str, value: str) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("api.wechat_bind", f"{row_pk}:{mobile}:{value}").hexdigest()


def _account_for_mobile(mobile: str) -> list:
    """The active accounts whose own mobile, or whose roster deputy's mobile, is `mobile` (at most two:
    one is a match, two are ambiguous)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    user_model = get_user_model()
    return list(user_model.objects.filter(Q(mobile=mobile) | Q(deputy__mobile=mobile), is_active=True)
                .distinct().order_by("pk")[:2])


def _limited(scope: str, who: str, rules) -> bool:
    """The residents' Redis counters (fixed windows), failing closed: every SMS costs money."""
    from django.utils.translation import gettext as _

    from residents import limits

    try:
        return limits.hit(scope, who, rules)
    except limits.LimitUnavailable:
        raise WeChatBindRefused(_("服务暂时繁忙,请稍后再试。"), code="unavailable", status_code=503) from None


def wechat_bind_send(*, bind_token: str, mobile: str, ip: str) -> dt.datetime:
    """Ask for an SMS code to `mobile` for binding this WeChat account. The request does the same work
    whatever the number: it checks the limits, records the number and the time on the bind request and
    queues `wechat_bind_code_send` after commit; the worker looks the number up and sends the code (only
    when it is one active account's), so neither the answer nor its timing tells whether a number has an
    account. Limits: the residents' per-number and per-address counters (1 a minute, 5 an hour, 10 a day
    per number) and MAX_SENDS per bind token. Asking again for the same number within the minute (a
    retried request) queues nothing and answers the same. Returns when the code expires."""
    from django.utils.translation import gettext as _

    from residents import limits

    from .models import WeChatBindRequest

    now = timezone.now()
    row = _bind_request(bind_token)
    if row.mobile == mobile and row.code_sent_at and now - row.code_sent_at < RESEND_AFTER:
        return row.code_expires_at
    if row.sends >= MAX_SENDS:
        raise WeChatBindRefused(_("获取验证码次数过多,请重新打开小程序登录。"), code="too_many_codes")
    if _limited("api_wechat_ip", ip, limits.ip_rules()):
        raise WeChatBindRefused(_("本网络获取验证码过于频繁,请稍后再试。"), code="too_many_codes")
    if _limited("api_wechat_phone", mobile, limits.phone_rules()):
        raise WeChatBindRefused(_("该手机号获取验证码过于频繁(每分钟 1 次、每小时 5 次、每天 10 次),请稍后再试。"),
                                code="too_many_codes")
    expires = now + CODE_TTL
    sends = row.sends + 1
    with transaction.atomic():
        # The previous code stops working at once; the worker writes the new one (`sends` names this send,
        # so a late task of an earlier send does nothing).
        changed = WeChatBindRequest.objects.filter(pk=row.pk, sends=row.sends).update(
            mobile=mobile, user=None, code_digest="", code_sent_at=now, code_expires_at=expires, sends=sends,
            attempts=0)
        if changed:
            transaction.on_commit(lambda: wechat_bind_code_enqueue(request_id=row.pk, sends=sends))
    if not changed:  # a parallel send for the same token won
        return _bind_request(bind_token).code_expires_at or expires
    return expires


def wechat_bind_code_enqueue(*, request_id: int, sends: int) -> bool:
    """Send `wechat_bind_code_send` to the worker (after the bind request's commit). A broker that is down
    loses only this code: the person asks again after the minute, as after a lost SMS."""
    import logging

    from .tasks import wechat_bind_code

    try:
        with wechat_bind_code.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            wechat_bind_code.apply_async(args=[request_id, sends], connection=conn, retry=False,
                                         queue=getattr(settings, "API_CELERY_QUEUE", None) or None)
    except Exception as exc:
        logging.getLogger(__name__).warning("绑定验证码任务入队失败 (bind request %s): %s", request_id, exc)
        return False
    return True


def wechat_bind_code_send(*, request_id: int, sends: int) -> str:
    """The worker's half of wechat_bind_send: find the account(s) of the number, keep a fresh code's digest
    (made even when nobody matched, so the confirm step then fails as a wrong code does) and send the code
    to a number of exactly one account, or a notice to a number of several. Runs once per send: a bind
    request already used, sent again or already given its code (a task run twice) is left alone."""
    from django.utils.translation import gettext as _

    from residents.sms import SmsClient, SmsError

    from .models import WeChatBindRequest

    with transaction.atomic():
        row = (WeChatBindRequest.objects.select_for_update()
               .filter(pk=request_id, sends=sends, code_digest="", expires_at__gt=timezone.now()).first())
        if row is None:
            return "stale"
        accounts = _account_for_mobile(row.mobile)
        value = f"{secrets.randbelow(1_000_000):06d}"
        row.user = accounts[0] if len(accounts) == 1 else None
        row.code_digest = _code_digest(row.pk, row.mobile, value)
        row.save(update_fields=["user", "code_digest"])
        mobile = row.mobile
    if len(accounts) == 1:
        text = _("您正在绑定微信小程序,验证码是 %(code)s,10 分钟内有效。如非本人操作请忽略。") % {"code": value}
    elif accounts:
        text = _("该手机号登记在多个账号下,不能用于绑定微信小程序,请联系人大工作人员。")
    else:
        return "no account"
    try:
        SmsClient().send(phone=mobile, text=text)
    except SmsError as exc:
        # Not retried: a retry could send a second code; the person asks again after the minute.
        import logging

        logging.getLogger(__name__).warning("绑定验证码短信发送失败 (bind request %s): %s", request_id, exc)
        return "sms failed"
    return "sent"


def wechat_bind_confirm(*, bind_token: str, mobile: str, sms_code: str, device_name: str, request) -> IssuedTokens:
    """Check the SMS code (MAX_ATTEMPTS wrong tries, CODE_TTL) and bind the WeChat account to the account
    the mobile matched, then sign in as it (a new device). The bind token is used up. A wrong code, a
    number that matched nobody and a code sent to another number all get the same refusal."""
    from django.utils.crypto import constant_time_compare
    from django.utils.translation import gettext as _

    from .models import WeChatBinding

    now = timezone.now()
    refusal = None
    with transaction.atomic():
        row = _bind_request(bind_token, lock=True)
        if not row.code_digest:
            raise WeChatBindRefused(_("请先获取短信验证码。"), code="sms_code_required")
        if row.attempts >= MAX_ATTEMPTS:
            raise WeChatBindRefused(_("验证码错误次数过多,请重新获取验证码。"), code="too_many_attempts")
        if row.code_expires_at <= now:
            raise WeChatBindRefused(_("验证码已过期,请重新获取。"), code="sms_code_expired")
        good = constant_time_compare(row.code_digest, _code_digest(row.pk, mobile, sms_code or ""))
        user = row.user if good else None
        if user is None or not user.is_active:
            row.attempts += 1
            row.save(update_fields=["attempts"])  # committed: the refusal is raised after the block
            refusal = WeChatBindRefused(_("验证码不正确,请核对后重新输入。"), code="sms_code_invalid")
        else:
            WeChatBinding.objects.update_or_create(openid=row.openid, defaults={"user": user, "last_used_at": now})
            row.delete()
            security_event_record(kind=EventKind.ACCOUNT_CHANGE, user=user, request=request,
                                  detail={"via": "wechat", "wechat_bound": True})
    if refusal is not None:
        raise refusal
    return device_sign_in(user=user, name=device_name, request=request, via="wechat")
