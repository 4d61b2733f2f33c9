"""Password rules of issue 17 (Passwords): length, character classes, no reuse of recent passwords.

Each is an ordinary Django password validator, listed in ``AUTH_PASSWORD_VALIDATORS``; they run on every
form that chooses a password (change, admin set) and not on seed code's ``set_password``, which keeps the
README's demo password working."""

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator:
    def __init__(self, min_length=10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext("密码太短,至少需要 %(min_length)d 个字符。", "密码太短,至少需要 %(min_length)d 个字符。",
                         self.min_length),
                code="password_too_short", params={"min_length": self.min_length})

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}


def _classes(password: str) -> int:
    return sum((
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or not c.isalnum() for c in password),
    ))


class CharacterClassValidator:
    """At least ``min_classes`` of: upper-case letter, lower-case letter, digit, symbol."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(
                _("密码需包含大写字母、小写字母、数字、符号中的至少 %(count)d 类。"),
                code="password_too_simple", params={"count": self.min_classes})

    def get_help_text(self):
        return _("密码需包含大写字母、小写字母、数字、符号中的至少 %(count)d 类。") % {"count": self.min_classes}


class NoReuseValidator:
    """Refuses the current password and the last ``history`` ones; records each new one when it is saved
    (Django calls ``password_changed`` from ``User.save()`` after ``set_password``)."""

    def __init__(self, history=5):
        self.history = history

    def validate(self, password, user=None):
        if user is None or not user.pk:
            return
        from .models import PasswordHistory

        recent = list(PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")
                      .values_list("password", flat=True)[: self.history])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                _("不能使用最近 %(count)d 次用过的密码。"), code="password_reused", params={"count": self.history})

    def password_changed(self, password, user=None):
        if user is None or not user.pk:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        keep = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk").values_list("pk", flat=True)[
            : self.history]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self):
        return _("不能使用最近 %(count)d 次用过的密码。") % {"count": self.history}
