from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from simple_history.models import HistoricalRecords

from .choices import DISTRICT_WIDE, STAFF_ROLES, Role


class User(AbstractUser):
    """A login account (账号). Roles are Django auth groups named by `Role` values; what scopes
    the account is a link: `area` for area staff, `unit` for handling-unit users, and the
    deputy's `Deputy.user` for deputies."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所属区划"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff_users",
        help_text=_("街道/镇人大工作人员只能看到本区划的数据。"),
    )
    unit = models.ForeignKey(
        "units.HandlingUnit", verbose_name=_("承办单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
        help_text=_("承办单位用户只能看到交办给本单位的事项。"),
    )
    care_mode = models.BooleanField(
        _("关怀版"), default=False,
        help_text=_("大字号、高对比度、更宽的行距和更大的按钮;在页面顶部切换。"))
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False,
        help_text=_("工作人员或管理员设置的初始密码:下次登录后须先修改密码。"))
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        names = frozenset(self.groups.values_list("name", flat=True))
        if self.is_superuser:
            names |= {Role.ADMIN}
        return frozenset(Role(n) for n in names if n in Role.values)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_district_wide(self) -> bool:
        """Sees the whole district (admin, district staff, leaders)."""
        return bool(self.roles & DISTRICT_WIDE)

    @property
    def is_staff_role(self) -> bool:
        """May keep the roster and process items within their scope."""
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_read_only(self) -> bool:
        """Leaders watch; they change nothing."""
        return self.roles == {Role.LEADER}

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.roles]

    @cached_property
    def deputy_profile(self):
        return getattr(self, "deputy", None)


class PasswordHistory(models.Model):
    """The hash of a password the user has had, newest last; kept for the last few so that a new password
    cannot repeat one (accounts.validators.NoReuseValidator writes and prunes these)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """One signed-in browser of a user (我的登录设备), keyed by its session key: written at sign-in, its
    ``last_activity`` refreshed by accounts.middleware at most once a minute. A row whose session has ended
    is not shown (the list joins the live sessions) and goes with 退出其他设备."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity = models.DateTimeField()
    otp_verified = models.BooleanField(_("已两步验证"), default=False)

    def __str__(self):
        return f"{self.user_id} · {self.session_key[:8]}…"


class RecoveryCodeDevice(Device):
    """恢复码: the ten one-time codes a user keeps for a lost phone, as one django-otp device so that a
    sign-in with a code is an OTP-verified session like one with the authenticator. Codes are stored only
    as salted PBKDF2 digests (accounts.twofactor.recovery_code_digest); each works once."""

    salt = models.CharField(max_length=32)

    class Meta(Device.Meta):
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def verify_token(self, token) -> bool:
        from django.utils import timezone

        from .twofactor import recovery_code_digest

        digest = recovery_code_digest(self.salt, str(token))
        if not digest:
            return False
        # A conditional update: two sign-ins racing with the same code, only one wins.
        return RecoveryCode.objects.filter(device=self, digest=digest, used_at__isnull=True).update(
            used_at=timezone.now()) == 1


class RecoveryCode(models.Model):
    """One recovery code of a RecoveryCodeDevice, as its digest; ``used_at`` set when it was spent."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="accounts_recovery_code_unique")]

    def __str__(self):
        return f"{self.device_id} · {'used' if self.used_at else 'unused'}"
