from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import CareModeForm, LoginForm
from .services import user_password_changed, user_sessions_end_others, user_set_care_mode

CARE_MODE_COOKIE = "care_mode"


class LoginView(auth_views.LoginView):
    """The password step. A user with an authenticator is not signed in yet: the code step
    (`login_verify`) finishes the sign-in (accounts/twofactor.py)."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        from .twofactor import confirmed_totp, pending_set

        user = form.get_user()
        if confirmed_totp(user) is None:
            return super().form_valid(form)
        pending_set(self.request, user=user, next_url=self.get_success_url())
        return redirect("login_verify")


def login_verify(request):
    """两步验证 at sign-in: the code from the authenticator, or a recovery code."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    from . import twofactor
    from .forms import OtpCodeForm

    pending = twofactor.pending_get(request)
    if pending is None:
        twofactor.pending_clear(request)
        messages.warning(request, _("验证已超时,请重新输入用户名和密码。"))
        return redirect(settings.LOGIN_URL)
    user, backend, next_url = pending
    credentials = {"username": user.get_username()}
    from axes.handlers.proxy import AxesProxyHandler

    if AxesProxyHandler.is_locked(request, credentials):  # locked since the password step: no more guesses
        from axes.helpers import get_lockout_response

        twofactor.pending_clear(request)
        return get_lockout_response(request, credentials=credentials)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_throttled = twofactor.throttled(twofactor.confirmed_totp(user))
        kind = twofactor.user_otp_verify(request=request, user=user, backend=backend, token=form.cleaned_data["code"])
        if kind is not None:
            if kind == "recovery":
                messages.warning(request, _("已使用一个恢复码登录,还剩 %(n)d 个。请尽快在个人设置中重新生成恢复码"
                                            "或重新绑定身份验证器。") % {"n": twofactor.recovery_codes_left(user)})
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        if was_throttled and form.cleaned_data["code"].strip().isdigit():
            form.add_error("code", _("验证码输错次数较多,请等待几秒后再输入新的验证码。"))
        else:
            form.add_error("code", _("验证码不正确或已过期(恢复码只能使用一次)。连续输错 %(limit)s 次后账号将被暂时锁定。")
                           % {"limit": settings.AXES_FAILURE_LIMIT})
    return render(request, "registration/login_verify.html", {"form": form, "account": user})


@login_required
def twofactor_setup(request):
    """两步验证 under 个人设置: enrol an authenticator (scan the QR code, confirm with a code), or see
    its state and issue new recovery codes."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    from . import twofactor
    from .forms import OtpConfirmForm

    active = twofactor.confirmed_totp(request.user)
    verified = twofactor.session_verified(request)
    if active is not None and verified:
        return render(request, "accounts/twofactor.html", {
            "active": active, "codes_left": twofactor.recovery_codes_left(request.user),
            "required": twofactor.required_for(request.user)})
    if active is not None:  # an authenticator, but this session did not use it: sign in again first
        return render(request, "accounts/twofactor.html", {"active": active, "unverified": True})
    device = twofactor.totp_device_start(user=request.user)
    form = OtpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_throttled = twofactor.throttled(device)
        codes = twofactor.totp_device_confirm(request=request, device=device, token=form.cleaned_data["code"].strip())
        if codes is not None:
            request.session[twofactor.SHOWN_CODES_KEY] = codes
            messages.success(request, _("两步验证已启用。"))
            return redirect("twofactor_codes")
        form.add_error("code", _("验证码输错次数较多,请等待几秒后再输入。") if was_throttled
                       else _("验证码不正确,请确认手机时间准确后输入身份验证器当前显示的6位数字。"))
    return render(request, "accounts/twofactor.html", {
        "device": device, "form": form, "qr": twofactor.qr_svg(device), "secret": twofactor.secret_text(device),
        "required": twofactor.required_for(request.user)})


@login_required
def twofactor_codes(request):
    """The recovery codes just issued, shown this once (they are kept only as digests)."""
    from . import twofactor

    codes = request.session.pop(twofactor.SHOWN_CODES_KEY, None)
    if not codes:
        return redirect("twofactor_setup")
    return render(request, "accounts/twofactor_codes.html", {"codes": codes})


@login_required
@require_POST
def twofactor_codes_new(request):
    """重新生成恢复码: only from a session that passed the second factor."""
    from django.core.exceptions import PermissionDenied

    from . import twofactor

    if twofactor.confirmed_totp(request.user) is None or not twofactor.session_verified(request):
        raise PermissionDenied
    request.session[twofactor.SHOWN_CODES_KEY] = twofactor.recovery_codes_generate(user=request.user)
    return redirect("twofactor_codes")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's change page (it keeps this session signed in and, through the session auth hash, signs
    out every other one); also lifts the forced-change flag of an initial password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user)
        return response


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"account": request.user})


@require_POST
def care_mode(request):
    """Switches 关怀版 on or off: remembered on the account when signed in, and in a cookie (also
    before login, e.g. on the login page). Back to the page the toggle was pressed on."""
    form = CareModeForm(request.POST)
    on = form.is_valid() and form.cleaned_data["on"]
    target = form.cleaned_data.get("next", "") if form.is_valid() else ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = settings.LOGIN_REDIRECT_URL if request.user.is_authenticated else settings.LOGIN_URL
    if request.user.is_authenticated:
        user_set_care_mode(user=request.user, on=on)
    response = redirect(target)
    response.set_cookie(CARE_MODE_COOKIE, "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure(), httponly=True)
    return response


@require_POST
def keepalive(request):
    """继续 on the idle warning: restarts the idle clock now (the middleware writes it at most once a
    minute) and answers how long the session now has. Signed out → 401 (a redirect would be followed by
    fetch())."""
    if not request.user.is_authenticated:
        return JsonResponse({"expired": True}, status=401)
    import time

    from django.conf import settings

    from .middleware import LAST_SEEN

    request.session[LAST_SEEN] = time.time()

    return JsonResponse({"idle_seconds": int(settings.SESSION_IDLE_MINUTES * 60)})


@login_required
def devices(request):
    """我的登录设备: the user's live sessions, this one first."""
    from django.contrib.sessions.models import Session
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from .models import UserSession

    live = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=timezone.now())
    rows = (UserSession.objects.filter(user=request.user).filter(Exists(live)).order_by("-last_activity"))
    return render(request, "accounts/devices.html", {
        "rows": rows, "current_key": request.session.session_key})


@login_required
@require_POST
def devices_end_others(request):
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    count = user_sessions_end_others(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, _("已退出其他 %(count)d 台设备。") % {"count": count})
    return redirect("devices")
