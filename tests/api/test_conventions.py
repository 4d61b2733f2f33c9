"""The API's conventions: the OpenAPI schema and the Swagger UI from local files, JSON errors in
Chinese everywhere under /api/v1/, and rate limits with Retry-After."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_openapi_schema_for_every_endpoint(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/devices", "/api/v1/me",
            "/api/v1/notifications", "/api/v1/notifications/read", "/api/v1/items", "/api/v1/items/{id}",
            "/api/v1/items/{id}/actions/{action}", "/api/v1/auth/wechat", "/api/v1/auth/wechat/bind",
            "/api/v1/auth/wechat/bind/confirm", "/api/v1/activities", "/api/v1/activities/{id}",
            "/api/v1/activities/{id}/actions/{action}", "/api/v1/suggestions/{id}/actions/{action}"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/v1/suggestions"]
    assert schema["components"]["securitySchemes"]["deviceToken"]["scheme"] == "bearer"
    actions = next(p for p in schema["paths"]["/api/v1/items/{id}/actions/{action}"]["post"]["parameters"]
                   if p["name"] == "action")
    assert {"assign", "evaluate", "submit_result"} <= set(actions["schema"]["enum"])


def test_it_serves_the_docs_from_local_assets_only(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    assert "<script>" not in html and "<style>" not in html and "style=" not in html  # the CSP holds
    for src in sources:
        assert client.get(src).status_code == 200, src


def test_it_answers_json_errors_under_the_api(api, cast):
    response = api(cast.deputy).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "找不到该记录,或您无权查看。", "fields": {}}
    response = api(cast.deputy).delete("/api/v1/me")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    response = api(cast.deputy).post("/api/v1/notifications/read", "{bad", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_it_limits_the_rate_per_user_with_retry_after(api, cast, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": "3/min"}
    client = api(cast.deputy)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/me")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled" and "请求过于频繁" in response.json()["message"]
    assert api(cast.staff).get("/api/v1/me").status_code == 200  # another account has its own count


def test_it_limits_password_sign_in_per_address(anon, cast, settings, password):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "sign_in": "2/min"}
    for _ in range(2):
        anon.post("/api/v1/auth/token", {"username": "nobody", "password": "x"}, format="json")
    response = anon.post("/api/v1/auth/token", {"username": "deputy", "password": password}, format="json")
    assert response.status_code == 429 and response.has_header("Retry-After")


def test_it_serves_the_sites_own_session_with_the_csrf_check(cast, password):
    from django.test import Client

    from notifications.models import Notification
    from notifications.services import notify

    notify(key="s", kind="test", recipients=[cast.deputy], title="新的待办")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.deputy, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/api/v1/me").json()["username"] == "deputy"
    refused = browser.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed" and "刷新页面" in refused.json()["message"]
    assert Notification.objects.get().read_at is None
    browser.get("/notifications/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    done = browser.post("/api/v1/notifications/read", {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert done.json() == {"marked": 1}
