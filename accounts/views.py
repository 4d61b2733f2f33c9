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
    form_class = LoginForm
    redirect_authenticated_user = True


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
