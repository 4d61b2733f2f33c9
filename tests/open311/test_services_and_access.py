"""Open311 (issue 14): services.json, the access matrix of the endpoints and the partner keys."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from open311.models import Partner, ServiceRequest
from residents.models import Report
from tests.open311.conftest import form, post

pytestmark = pytest.mark.django_db


def test_it_lists_the_report_categories_as_services(client):
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    services = response.json()
    assert [s["service_code"] for s in services] == ["urban", "ecology", "livelihood", "governance", "economy", "other"]
    first = services[0]
    assert first["service_name"] == "城乡建设、道路交通" and first["metadata"] is False and first["type"] == "realtime"
    assert first["keywords"] and first["group"] == "城乡建设"
    # Where a partner's report goes is written down for the partner.
    assert "attribute[station]" in first["description"] and "默认联络站" in first["description"]
    assert "xiangshan" in first["description"] and response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/open311/v2/services.xml", "/open311/v2/requests.xml", "/open311/v2/requests/abc.xml"])
def test_it_answers_xml_with_a_clear_open311_error(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "本接口只提供 JSON 格式,请把 .xml 换成 .json。"}]


def test_unknown_paths_and_methods_answer_in_open311_format(client):
    response = client.get("/open311/v2/discovery.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    response = client.put("/open311/v2/requests.json")
    assert response.status_code == 405 and response.json()[0]["description"] == "不支持该请求方法。"
    assert client.post("/open311/v2/services.json").status_code == 405


def test_the_get_endpoints_are_public(client, partner, station, cast):
    created = post(client, form(partner.key, station)).json()[0]["service_request_id"]
    assert client.get("/open311/v2/requests.json").status_code == 200
    response = client.get(f"/open311/v2/requests/{created}.json")
    assert response.status_code == 200 and response.json()[0]["service_request_id"] == created


@pytest.mark.parametrize("key, message", [(None, "缺少 api_key。"), ("", "缺少 api_key。"),
                                          ("o311_guessed", "api_key 无效或已停用。"),
                                          ("revoked", "api_key 无效或已停用。")])
def test_a_post_without_a_live_key_is_refused_and_stores_nothing(client, partner, station, key, message):
    from open311 import services

    if key == "revoked":
        key = partner.key
        services.partner_revoke(partner=partner.partner)
    for as_json in (False, True):
        response = post(client, form(key, station), as_json=as_json)
        assert response.status_code == 403
        assert response.json() == [{"code": 403, "description": message}]
    assert not Report.objects.exists() and not ServiceRequest.objects.exists()


def test_a_session_is_no_key(login, cast, station):
    client = login(cast.staff)
    response = post(client, form(None, station))
    assert response.status_code == 403 and not Report.objects.exists()


def test_keys_are_made_once_shown_once_and_revoked_from_the_command_line(capsys, client, station):
    call_command("open311_key", "create", "区政务服务中心")
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    assert key.startswith("o311_")
    partner = Partner.objects.get(name="区政务服务中心")
    assert key not in str(Partner.objects.values().get()) and partner.key_prefix == key[:12]
    assert post(client, form(key, station)).status_code == 201
    with pytest.raises(CommandError, match="已有名为"):
        call_command("open311_key", "create", "区政务服务中心")
    call_command("open311_key", "list")
    assert "区政务服务中心" in capsys.readouterr().out
    call_command("open311_key", "revoke", "区政务服务中心")
    assert post(client, form(key, station), ip="10.0.0.2").status_code == 403
    with pytest.raises(CommandError, match="已经停用"):
        call_command("open311_key", "revoke", "区政务服务中心")
    with pytest.raises(CommandError, match="没有名为"):
        call_command("open311_key", "revoke", "不存在")


def test_an_admin_makes_and_revokes_keys_in_the_django_admin(login, cast, client, station):
    admin = login(cast.admin)
    response = admin.post("/admin/open311/partner/add/", {"name": "街道自建小程序"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    key = next(m.split(":")[-1] for m in shown if "api_key" in m)
    partner = Partner.objects.get(name="街道自建小程序")
    assert key.startswith("o311_") and partner.is_active and partner.created_by == cast.admin
    response = admin.post("/admin/open311/partner/", {"action": "revoke", "_selected_action": [partner.pk]})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert not partner.is_active and partner.revoked_at is not None
    client.logout()
    assert post(client, form(key, station)).status_code == 403
