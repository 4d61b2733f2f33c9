"""Device tokens: sign-in by password (with the web's django-axes lockout), refresh, idle timeout and
expiry, listing and revoking devices by their user and by admins."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from api.models import Device
from api.services import digest
from audit.models import SecurityEvent

pytestmark = pytest.mark.django_db

TOKEN_KEYS = {"access_token", "refresh_token", "token_type", "expires_in", "refresh_expires_in", "device_id"}


def sign_in(client, username, password, device="刘芳的手机"):
    return client.post("/api/v1/auth/token", {"username": username, "password": password, "device": device},
                       format="json")


def test_it_issues_opaque_tokens_stored_only_as_digests(anon, cast, password):
    response = sign_in(anon, "deputy", password)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == TOKEN_KEYS and body["token_type"] == "Bearer"
    device = Device.objects.get(pk=body["device_id"])
    assert device.user == cast.deputy and device.name == "刘芳的手机"
    assert device.access_digest == digest(body["access_token"]) != body["access_token"]
    assert body["access_token"] not in str(Device.objects.filter(pk=device.pk).values().first())
    assert SecurityEvent.objects.filter(kind="login", user=cast.deputy, detail__via="api").exists()
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    me = anon.get("/api/v1/me").json()
    assert me["username"] == "deputy" and me["deputy"]["name"] == "刘芳" and me["roles"] == ["deputy"]


def test_it_refuses_a_wrong_password_and_honours_the_axes_lockout(anon, cast, password):
    response = sign_in(anon, "deputy", "wrong-password")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_login" and "用户名或密码不正确" in response.json()["message"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(anon, "deputy", "wrong-password")
    response = sign_in(anon, "deputy", password)  # the right password, but the account is locked
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "locked_out" and "锁定" in response.json()["message"]
    assert not Device.objects.exists()


def test_it_refreshes_both_tokens_once(anon, cast, password):
    first = sign_in(anon, "deputy", password).json()
    response = anon.post("/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]}, format="json")
    assert response.status_code == 200
    second = response.json()
    assert second["device_id"] == first["device_id"] and second["access_token"] != first["access_token"]
    again = anon.post("/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]}, format="json")
    assert again.status_code == 401 and again.json()["code"] == "invalid_refresh_token"
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
    assert anon.get("/api/v1/me").status_code == 401
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {second['access_token']}")
    assert anon.get("/api/v1/me").status_code == 200


def test_it_ends_an_idle_or_expired_access_token(anon, cast, password):
    body = sign_in(anon, "deputy", password).json()
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    idle = settings.API_TOKEN_IDLE_MINUTES
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=idle - 1)):
        assert anon.get("/api/v1/me").status_code == 200  # in use: the idle clock restarts
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2 * idle - 2)):
        assert anon.get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=4 * idle)):
        response = anon.get("/api/v1/me")
        assert response.status_code == 401 and "过期" in response.json()["message"]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=settings.API_ACCESS_TOKEN_MINUTES + 1)):
        Device.objects.update(last_used_at=timezone.now())  # used a moment ago, but past its lifetime
        assert anon.get("/api/v1/me").status_code == 401


def test_it_answers_401_json_without_credentials(anon, cast):
    response = anon.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "请先登录。", "fields": {}}
    assert response["WWW-Authenticate"].startswith("Bearer")
    anon.credentials(HTTP_AUTHORIZATION="Bearer xsa_guessed")
    assert anon.get("/api/v1/me").json()["code"] == "authentication_failed"


def test_it_lists_and_revokes_devices_by_their_user_and_by_admins(api, cast):
    deputy, other = api(cast.deputy), api(cast.renwei_deputy)
    listed = deputy.get("/api/v1/auth/devices").json()
    assert [d["current"] for d in listed] == [True]
    mine = Device.objects.get(user=cast.deputy)
    # Someone else's device is out of scope: 404, and it keeps working.
    assert other.post(f"/api/v1/auth/devices/{mine.pk}/revoke").status_code == 404
    assert deputy.get("/api/v1/me").status_code == 200
    theirs = Device.objects.get(user=cast.renwei_deputy)
    assert api(cast.admin).post(f"/api/v1/auth/devices/{theirs.pk}/revoke").json()["active"] is False
    assert other.get("/api/v1/me").status_code == 401
    assert deputy.post("/api/v1/auth/logout").status_code == 204
    assert deputy.get("/api/v1/me").status_code == 401
    assert Device.objects.filter(revoked_at__isnull=True, user__in=[cast.deputy, cast.renwei_deputy]).count() == 0
