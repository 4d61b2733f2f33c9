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
