from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续输错 %(limit)s 次后账号将被暂时锁定。"),
        "inactive": _("该账号已停用,请联系系统管理员。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def get_invalid_login_error(self):
        from django.conf import settings
        from django.contrib.auth.backends import AllowAllUsersModelBackend
        from django.core.exceptions import ValidationError

        # ModelBackend (and so authenticate()) rejects an inactive account before confirm_login_allowed
        # could say why. Check the password again with the backend that accepts inactive accounts, only
        # to tell the right person 该账号已停用; nobody is signed in by this, and a wrong password still
        # gets the general message (no hint which accounts exist).
        user = AllowAllUsersModelBackend().authenticate(
            self.request, username=self.cleaned_data.get("username"), password=self.cleaned_data.get("password"))
        if user is not None and not user.is_active:
            return ValidationError(self.error_messages["inactive"], code="inactive")
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                               params={"limit": settings.AXES_FAILURE_LIMIT})


class CareModeForm(SafeFormMixin, forms.Form):
    """The 关怀版 toggle in the top bar and on the login page."""

    on = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)


class OtpCodeForm(SafeFormMixin, forms.Form):
    """The code step of sign-in: six digits from the authenticator, or one recovery code."""

    code = forms.CharField(label=_("动态验证码或恢复码"), max_length=20, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                                         "inputmode": "text"}),
                           help_text=_("打开手机上的身份验证器,输入6位数字;手机丢失时可输入一个恢复码。"))


class OtpConfirmForm(SafeFormMixin, forms.Form):
    """Enrolment: the first code shown by the app proves it has the key."""

    code = forms.RegexField(label=_("身份验证器显示的6位数字"), regex=r"^\s*\d{6}\s*$", max_length=10,
                            error_messages={"invalid": _("请输入6位数字验证码。")},
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
