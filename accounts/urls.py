from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("two-factor/", views.twofactor_setup, name="twofactor_setup"),
    path("two-factor/codes/", views.twofactor_codes, name="twofactor_codes"),
    path("two-factor/codes/new/", views.twofactor_codes_new, name="twofactor_codes_new"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("profile/", views.profile, name="profile"),
    path("care-mode/", views.care_mode, name="care_mode"),
    path("devices/", views.devices, name="devices"),
    path("devices/end-others/", views.devices_end_others, name="devices_end_others"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
]
