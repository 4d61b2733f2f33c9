"""Rows of the JSON API (issue 14): the device tokens of the mini-program and other systems, and the
stored first answers of POSTs sent with an ``Idempotency-Key``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeviceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees and revokes their own devices; admins everybody's (revocable by admins)."""
        if not user.is_authenticated:
            return self.none()
        from accounts.choices import Role

        if user.has_role(Role.ADMIN):
            return self.all()
        return self.filter(user=user)

    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, refresh_expires_at__gt=now)


class Device(models.Model):
    """A signed-in device of the API (接口登录设备): a phone's mini-program or another system.

    It holds two opaque tokens, stored only as SHA-256 digests (the raw values are shown once, when
    issued): a short-lived access token (``access_expires_at``, and void after ``API_TOKEN_IDLE_MINUTES``
    without a request) and a refresh token that gets a new pair until ``refresh_expires_at``. Each
    refresh replaces both. Revoked (``revoked_at``) by its user or an admin: both tokens stop at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_devices")
    name = models.CharField(_("设备名称"), max_length=100, blank=True)
    access_digest = models.CharField(_("访问令牌摘要"), max_length=64, unique=True)
    refresh_digest = models.CharField(_("刷新令牌摘要"), max_length=64, unique=True)
    access_expires_at = models.DateTimeField(_("访问令牌到期"))
    refresh_expires_at = models.DateTimeField(_("刷新令牌到期"))
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"))
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("注销人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口登录设备")
        verbose_name_plural = _("接口登录设备")
        ordering = ["-last_used_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name or self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.refresh_expires_at > timezone.now()


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key`` (幂等键): a retry with the same key
    and the same request gets this answer again and changes nothing twice (mini-programs retry on a bad
    network). ``status`` is null while the first request is still being served. Keys are per account;
    rows older than ``API_IDEMPOTENCY_HOURS`` are purged (``api_purge_idempotency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key")]

    def __str__(self):
        return f"{self.user_id} {self.key}"


class WeChatBinding(models.Model):
    """A WeChat account bound to a login account (微信绑定): the mini-program's ``openid`` for our app id.
    Made once, by mobile number + SMS code (api.services.wechat_bind_confirm); afterwards a WeChat
    sign-in of that openid gets the account's device tokens without a password. Nothing else of the
    WeChat session is kept (the session_key never leaves code2Session's answer). Deleted by an admin to
    unbind a lost or handed-over phone."""

    openid = models.CharField(_("微信 openid"), max_length=128, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="wechat_bindings")
    created_at = models.DateTimeField(_("绑定时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近登录"), default=timezone.now)

    class Meta:
        verbose_name = _("微信绑定")
        verbose_name_plural = _("微信绑定")
        ordering = ["-last_used_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.openid[:6]}…"


class WeChatBindRequest(models.Model):
    """A first WeChat sign-in waiting to be bound (待绑定): found by its opaque ``bind_token`` (stored as
    a SHA-256 digest, like device tokens), good for ``expires_at``. It holds the mobile number the SMS
    code went to, the code as a keyed digest, and the wrong attempts; ``user`` is the account the mobile
    matched, if exactly one did (never shown: the answers are the same either way). Used once; rows past
    their time are deleted when new ones are made."""

    token_digest = models.CharField(max_length=64, unique=True)
    openid = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    mobile = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    code_digest = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("待绑定的微信登录")
        verbose_name_plural = _("待绑定的微信登录")
        indexes = [models.Index(fields=["expires_at"], name="api_wechat_bind_expires_idx")]

    def __str__(self):
        return f"{self.openid[:6]}… {self.created_at:%Y-%m-%d %H:%M}"
