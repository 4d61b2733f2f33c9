"""Idle timeout, absolute lifetime, keep-alive, and signing out elsewhere on a password change (issue 17:
Sessions; defect 11)."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def age(client, key, seconds):
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_an_idle_session_is_signed_out_to_the_login_page_with_a_message(login, cast, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = login(cast.staff)
    assert client.get(reverse("home")).status_code == 200
    age(client, LAST_SEEN, 31 * 60)
    response = client.get(reverse("profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "next=%2Faccounts%2Fprofile%2F" in response.url
    assert "_auth_user_id" not in client.session
    assert "长时间未操作,已自动退出登录" in client.get(response.url).content.decode()


def test_activity_within_the_limit_keeps_the_session(login, cast, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = login(cast.staff)
    client.get(reverse("home"))
    age(client, LAST_SEEN, 29 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5  # the clock was refreshed


def test_keepalive_refreshes_the_idle_clock_and_is_post_only(login, cast):
    client = login(cast.staff)
    client.get(reverse("home"))
    age(client, LAST_SEEN, 20 * 60)
    assert client.get(reverse("keepalive")).status_code == 405
    response = client.post(reverse("keepalive"))
    assert response.status_code == 200 and response.json()["idle_seconds"] == 30 * 60
    assert time.time() - client.session[LAST_SEEN] < 5


def test_keepalive_answers_401_when_signed_out(client):
    assert client.post(reverse("keepalive")).status_code == 401


def test_an_expired_fetch_gets_401_not_a_redirect(login, cast):
    client = login(cast.staff)
    client.get(reverse("home"))
    age(client, LAST_SEEN, 31 * 60)
    response = client.post(reverse("keepalive"), headers={"X-Requested-With": "fetch"})
    assert response.status_code == 401 and response.json()["expired"]


def test_the_absolute_lifetime_ends_even_an_active_session(login, cast, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client = login(cast.staff)
    client.get(reverse("home"))
    age(client, SIGNED_IN_AT, 12 * 3600 + 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "登录已超过最长时限" in client.get(response.url).content.decode()


def test_changing_the_password_signs_out_other_sessions_and_keeps_this_one(cast):
    here, there = Client(), Client()
    for c in (here, there):
        assert c.post(reverse("login"), {"username": "staff", "password": PASSWORD}).status_code == 302
    response = here.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Renda-new-pass", "new_password2": "Renda-new-pass"})
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert there.get(reverse("home")).status_code == 302


def test_pages_carry_the_warning_script_with_the_settings(login, cast, settings):
    settings.SESSION_IDLE_MINUTES = 30
    body = login(cast.staff).get(reverse("home")).content.decode()
    assert "accounts/session.js" in body and 'data-idle-seconds="1800"' in body


def sign_in(ua):
    c = Client(HTTP_USER_AGENT=ua)
    assert c.post(reverse("login"), {"username": "staff", "password": PASSWORD}).status_code == 302
    return c


def test_my_devices_lists_live_sessions_and_ends_the_others(cast, django_assert_max_num_queries):
    phone, desk = sign_in("Phone-UA"), sign_in("Desk-UA")
    body = desk.get(reverse("devices")).content.decode()
    assert "Phone-UA" in body and "Desk-UA" in body and "本设备" in body
    assert desk.get(reverse("devices_end_others")).status_code == 405
    response = desk.post(reverse("devices_end_others"))
    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302  # signed out there
    body = desk.get(reverse("devices")).content.decode()
    assert "Phone-UA" not in body and "Desk-UA" in body


def test_my_devices_sends_anonymous_users_to_login_and_shows_only_ones_own(client, login, cast):
    assert client.get(reverse("devices")).status_code == 302
    assert client.post(reverse("devices_end_others")).status_code == 302
    sign_in("Staff-Phone")
    assert "Staff-Phone" not in login(cast.deputy).get(reverse("devices")).content.decode()


def test_my_devices_query_count_does_not_grow_with_sessions(cast, django_assert_num_queries):
    desk = sign_in("Desk-UA")
    desk.get(reverse("devices"))
    counts = []
    for ua in ("A", "B", "C"):
        sign_in(ua)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert desk.get(reverse("devices")).status_code == 200
        counts.append(len(ctx))
    assert len(set(counts)) == 1, counts
