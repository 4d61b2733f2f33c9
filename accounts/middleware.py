"""Session limits and the forced password change (issue 17: Sessions, Passwords; defect 11)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LAST_SEEN = "_xs_last_seen"
SIGNED_IN_AT = "_xs_signed_in_at"
DEVICE_SEEN = "_xs_device_seen"
# The idle clock is written at most this often: a session write is three queries (savepoint, update,
# release), too many for every page. The page's warning counts from the clock as stored
# (accounts.context_processors), so the client never expires later than the server.
CLOCK_RESOLUTION_SECONDS = 60


def session_clocks_start(session, now=None) -> None:
    """At sign-in: the absolute and idle clocks and the device row's refresh start now."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = session[LAST_SEEN] = session[DEVICE_SEEN] = now


def _idle_seconds() -> float:
    return settings.SESSION_IDLE_MINUTES * 60


class SessionLimitsMiddleware:
    """Signs a user out after ``SESSION_IDLE_MINUTES`` without a request and ``SESSION_ABSOLUTE_HOURS``
    after sign-in. Both instants live in the session itself (server side: a stolen cookie ages the same).
    The expired user lands on the login page with a message and ``next`` back to the page they were on.

    Requests marked as not activity (the page's own expiry check, ``?passive=1``) do not refresh the idle
    clock; the keep-alive endpoint does, as every other request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            if now - last_seen > _idle_seconds():
                return self._expire(request, _("长时间未操作,已自动退出登录,请重新登录。"))
            if now - signed_in > settings.SESSION_ABSOLUTE_HOURS * 3600:
                return self._expire(request, _("登录已超过最长时限,请重新登录。"))
            if request.GET.get("passive") != "1" and now - last_seen >= CLOCK_RESOLUTION_SECONDS:
                session[LAST_SEEN] = now
            if now - session.get(DEVICE_SEEN, 0) > 60:  # 我的登录设备: at most one write a minute
                session[DEVICE_SEEN] = now
                from .services import user_session_record

                user_session_record(request=request, user=request.user)
        return self.get_response(request)

    @staticmethod
    def _expire(request, message):
        next_url = request.get_full_path() if request.method == "GET" else request.headers.get("referer", "")
        logout(request)
        messages.warning(request, message)
        login_url = reverse(settings.LOGIN_URL)
        if request.headers.get("HX-Request") or request.headers.get("X-Requested-With") == "fetch":
            from django.http import JsonResponse

            return JsonResponse({"expired": True, "login": login_url}, status=401)
        if next_url and next_url.startswith("/"):
            from django.utils.http import urlencode

            login_url = f"{login_url}?{urlencode({'next': next_url})}"
        return redirect(login_url)


class PasswordChangeRequiredMiddleware:
    """A user whose password was set by staff or an admin (``must_change_password``) may open only the
    password change page (and sign out) until they have chosen their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("password_change"), reverse("logout"), reverse("keepalive")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                messages.info(request, _("您的密码由管理员设置,请先修改为自己的密码。"))
                return redirect("password_change")
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A user whose role is in ``OTP_REQUIRED_ROLES`` and whose session has not passed the second factor
    (request.user.is_verified(), django-otp) may open only enrolment, the password change and sign-out:
    without an authenticator they are sent to enrol one; with one (a session from before it was enrolled
    elsewhere) they are signed out and sign in again with a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            from .twofactor import confirmed_totp, required_for, session_verified

            if required_for(user) and not session_verified(request):
                allowed = {reverse(name) for name in (
                    "twofactor_setup", "twofactor_codes", "logout", "keepalive", "password_change",
                    "password_change_done")}
                if request.path not in allowed:
                    if confirmed_totp(user) is not None:
                        logout(request)
                        messages.info(request, _("请重新登录,并输入身份验证器中的动态验证码。"))
                        return redirect(settings.LOGIN_URL)
                    messages.info(request, _("您的角色须启用两步验证,请先用手机身份验证器完成绑定。"))
                    return redirect("twofactor_setup")
        return self.get_response(request)
