"""Two-factor sign-in (issue 17: Second factor for staff): enrolment by QR, recovery codes, the code step
after the password, enforcement by role, admin reset, audit events, lockout, the security report line."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import RecoveryCode, UserSession
from audit.choices import EventKind
from audit.models import SecurityEvent
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """`user` with a confirmed authenticator and recovery codes, through the services (no session)."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, twofactor.recovery_codes_generate(user=user)


def password_step(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_it_enrols_an_authenticator_by_qr_and_shows_ten_recovery_codes_once(login, cast):
    client = login(cast.staff)
    page = client.get(reverse("twofactor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="qr"' in html  # the QR is drawn inline on the server
    device = TOTPDevice.objects.get(user=cast.staff, confirmed=False)

    refused = client.post(reverse("twofactor_setup"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    import time_machine

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=True):  # past the throttle
        response = client.post(reverse("twofactor_setup"), {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("twofactor_codes")
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(response.url).content.decode()
    rows = list(RecoveryCode.objects.filter(device__user=cast.staff))
    assert len(rows) == 10
    import re

    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", shown)
    assert len(codes) == 10
    stored = {r.digest for r in rows}
    assert not any(c in stored or c.replace("-", "") in stored for c in codes)  # digests only at rest
    assert client.get(reverse("twofactor_codes")).status_code == 302  # shown once
    assert SecurityEvent.objects.filter(kind=EventKind.OTP_ENROL, user=cast.staff).count() == 1
    # This session passed the second factor with the new device.
    assert "已启用" in client.get(reverse("twofactor_setup")).content.decode()


def test_the_password_alone_does_not_sign_in_a_user_with_an_authenticator(cast):
    device, _codes = enrolled(cast.staff)
    client = Client()
    response = password_step(client, "staff", next_url="/accounts/profile/")
    assert response.status_code == 302 and response.url == reverse("login_verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302  # not signed in
    assert not SecurityEvent.objects.filter(kind=EventKind.LOGIN, user=cast.staff).exists()

    wrong = client.post(reverse("login_verify"), {"code": "12345x"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED, username="staff").count() == 1

    done = client.post(reverse("login_verify"), {"code": code_for(device)})  # the recovery-code miss: no throttle
    assert done.status_code == 302 and done.url == "/accounts/profile/"
    assert int(client.session["_auth_user_id"]) == cast.staff.pk
    assert SecurityEvent.objects.filter(kind=EventKind.LOGIN, user=cast.staff).count() == 1
    # 我的登录设备 (written by the sign-in receiver) knows this session passed the second factor.
    assert UserSession.objects.get(session_key=client.session.session_key).otp_verified
    assert "已两步验证" in client.get(reverse("devices")).content.decode()


def test_a_recovery_code_signs_in_once_and_is_audited(cast):
    _device, codes = enrolled(cast.dongshan_staff)
    client = Client()
    password_step(client, "dongshan")
    response = client.post(reverse("login_verify"), {"code": codes[3].upper()})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == cast.dongshan_staff.pk
    event = SecurityEvent.objects.get(kind=EventKind.OTP_RECOVERY_USED)
    assert event.user == cast.dongshan_staff and event.detail["left"] == 9

    again = Client()
    password_step(again, "dongshan")
    refused = again.post(reverse("login_verify"), {"code": codes[3]})
    assert refused.status_code == 200 and "_auth_user_id" not in again.session


def test_wrong_codes_count_toward_the_axes_lockout(cast, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device, _codes = enrolled(cast.leader)
    client = Client()
    password_step(client, "leader")
    for _ in range(2):
        assert client.post(reverse("login_verify"), {"code": "aaaaa-aaaaa"}).status_code == 200
    locked = client.post(reverse("login_verify"), {"code": "aaaaa-aaaaa"})
    assert locked.status_code == 429
    # The pending sign-in is no way around the lock: the right code is not even checked now.
    assert client.post(reverse("login_verify"), {"code": code_for(device)}).status_code == 429
    assert "_auth_user_id" not in client.session
    # Locked: even the right password and code do not sign in now.
    fresh = Client()
    assert password_step(fresh, "leader").status_code == 429
    assert "_auth_user_id" not in fresh.session


def test_the_code_step_without_a_password_step_goes_back_to_login(client, cast, settings):
    response = client.get(reverse("login_verify"))
    assert response.status_code == 302 and response.url == reverse("login")
    enrolled(cast.staff)
    password_step(client, "staff")
    session = client.session
    session[twofactor.PENDING_KEY]["at"] -= settings.OTP_PENDING_SECONDS + 1
    session.save()
    assert client.get(reverse("login_verify")).url == reverse("login")  # the pending sign-in timed out


def test_required_roles_without_a_device_are_sent_to_enrolment(cast, settings):
    settings.OTP_REQUIRED_ROLES = ["district_staff", "unit"]
    client = Client()
    response = password_step(client, "staff")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("twofactor_setup")
    assert client.get(reverse("twofactor_setup")).status_code == 200
    # A deputy (not a required role) signs in with the password alone.
    deputy = Client()
    password_step(deputy, cast.deputy.username)
    assert deputy.get(reverse("home")).status_code == 200


def test_a_required_role_in_a_session_that_skipped_the_code_is_signed_out(login, cast, settings):
    settings.OTP_REQUIRED_ROLES = ["district_staff"]
    enrolled(cast.staff)
    client = login(cast.staff)  # force_login: the password step only, no code
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_an_admin_resets_a_users_devices_from_the_user_list(login, cast):
    enrolled(cast.zhujian)
    victim = Client()
    victim.force_login(cast.zhujian, backend="django.contrib.auth.backends.ModelBackend")
    victim.get(reverse("home"))  # a 我的登录设备 row for this session
    admin = login(cast.admin)
    url = reverse("admin:accounts_user_changelist")
    assert "两步验证" in admin.get(url).content.decode()  # the column shows who has enrolled
    response = admin.post(url, {"action": "reset_two_factor", "_selected_action": [cast.zhujian.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.zhujian).exists()
    assert not RecoveryCode.objects.filter(device__user=cast.zhujian).exists()
    event = SecurityEvent.objects.get(kind=EventKind.OTP_RESET)
    assert event.user == cast.admin and event.detail == {"account": "zhujian", "by": "admin"}
    assert victim.get(reverse("home")).status_code == 302  # their sessions ended
    # The password alone signs them in now (no code step), to enrol again.
    assert password_step(Client(), "zhujian").url == reverse("home")


def test_the_admin_login_page_goes_through_the_two_step_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == reverse("login") + "?next=/admin/"


def test_regenerating_codes_is_post_only_and_needs_a_verified_session(login, cast):
    enrolled(cast.staff)
    client = login(cast.staff)
    assert client.get(reverse("twofactor_codes_new")).status_code == 405
    assert client.post(reverse("twofactor_codes_new")).status_code == 403  # this session skipped the code
    anonymous = Client().get(reverse("twofactor_setup"))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


def test_the_security_report_shows_the_two_factor_state(cast, settings):
    from audit.report import controls

    settings.OTP_REQUIRED_ROLES = ["district_staff", "area_staff"]
    enrolled(cast.staff)
    row = next(c for c in controls(deploy_check=False) if c.name.startswith("两步验证"))
    assert row.ok and "已启用 1 个账号" in row.value and "尚未绑定 2 个" in row.value
    settings.OTP_REQUIRED_ROLES = []
    row = next(c for c in controls(deploy_check=False) if c.name.startswith("两步验证"))
    assert not row.ok and "未强制" in row.value
