from django.contrib.auth import views as auth_views
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import CareModeForm, LoginForm
from .services import user_set_care_mode

CARE_MODE_COOKIE = "care_mode"


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


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
