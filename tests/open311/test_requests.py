"""Open311 (issue 14): a partner's report through the residents' door, the public request list and
detail (nothing personal, opaque ids, open/closed as the report is handled), hostile input and limits."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notification
from open311.models import ServiceRequest
from residents import services as resident_services
from residents.choices import Action, State
from residents.models import Report, ReportEvent
from tests.open311.conftest import form, post
from tests.residents.conftest import submit_report

pytestmark = pytest.mark.django_db


def created_request(response) -> ServiceRequest:
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert len(body) == 1 and set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    return ServiceRequest.objects.select_related("report", "partner").get(token=body[0]["service_request_id"])


# ---- a partner's report ----------------------------------------------------------------------


def test_a_partner_report_is_submitted_without_an_sms_code_through_the_residents_door(
        client, partner, station, cast, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form(partner.key, station, lat="33.955123", long="116.798456"))
    request = created_request(response)
    body = response.json()[0]
    assert body["account_id"] is None and "周庄社区代表联络站" in body["service_notice"]
    report = request.report
    assert report.state == State.SUBMITTED and report.submitted_at and report.accept_due
    assert report.code == station and report.area == station.area and report.category == "urban"
    assert (report.name, report.phone, report.address) == ("王大妈", "13912345678", "寇湾社区主路")
    assert request.partner == partner.partner and str(request.lat) == "33.955123" and str(request.long) == "116.798456"
    # Not the database id nor the receipt number, nor the resident's status token.
    assert request.token not in (str(report.pk), report.receipt_no, report.status_token) and len(request.token) >= 20
    assert sms.messages == []  # the partner vouches: no code sent
    events = list(ReportEvent.objects.filter(report=report).values_list("action", "to_state", "data"))
    assert events == [(Action.CREATE, State.PENDING, {"partner": "12345 热线"}),
                      (Action.VERIFY, State.SUBMITTED, {"partner": "12345 热线", "sms": False})]
    # The station's deputy on duty is told, as for a report from the QR page.
    assert Notification.objects.filter(kind="residents.new", recipient=cast.group_leader).exists()


def test_it_takes_json_and_coordinates_only(client, partner, station):
    data = form(partner.key, address_string=None, lat="33.9", long="116.8", phone=None, first_name=None, last_name=None)
    data["attribute"] = {"station": station.token}
    request = created_request(post(client, data, as_json=True))
    assert request.report.address == "坐标 33.900000, 116.800000" and request.report.phone == ""
    assert request.report.name == ""


def test_it_routes_by_jurisdiction_id_or_to_the_default_station(client, partner, station, settings, cast):
    from deputies.models import DeputyHome
    from residents.models import ResidentCode

    request = created_request(post(client, form(partner.key, jurisdiction_id=station.token)))
    assert request.report.code == station
    # No station named: the district's default, and without one a clear refusal.
    settings.OPEN311_DEFAULT_STATION = ""
    response = post(client, form(partner.key, jurisdiction_id="xiangshan"))
    assert response.status_code == 400 and "未指定受理的联络站" in response.json()[0]["description"]
    other = ResidentCode.objects.create(kind="station", home=DeputyHome.objects.create(
        name="任圩街道代表之家", kind="home", area=cast.renwei_staff.area), area=cast.renwei_staff.area)
    settings.OPEN311_DEFAULT_STATION = other.token
    assert created_request(post(client, form(partner.key))).report.code == other
    # A deputy's own code, a revoked station or a made-up token is no station.
    deputy_code = ResidentCode.objects.create(kind="deputy", deputy=cast.deputy.deputy, area=cast.deputy.deputy.area)
    resident_services.code_revoke(actor=cast.staff, code=other)
    for token in (deputy_code.token, other.token, "made-up-token", "../../etc"):
        response = post(client, form(partner.key, **{"attribute[station]": token}))
        assert response.status_code == 400 and "联络站码无效" in response.json()[0]["description"], token
    assert Report.objects.count() == 2


# ---- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize("extra, expected", [
    ({"service_code": "bogus"}, "service_code:未知的 service_code"),
    ({"service_code": ""}, "service_code:请填写 service_code"),
    ({"description": ""}, "description:请填写 description"),
    ({"description": "短"}, "description:"),
    ({"description": "很长" * 3000}, "description:"),
    ({"description": "路灯坏了\x00很久了"}, "NUL"),
    ({"service_code": "urban\x00"}, "NUL"),
    ({"phone": "12345"}, "phone:请填写 11 位手机号码。"),
    ({"lat": "33.9"}, "lat 和 long 须同时提供"),
    ({"lat": "999", "long": "116.8"}, "lat:"),
    ({"lat": "north", "long": "116.8"}, "lat:"),
    ({"address_string": None}, "请提供位置"),
    ({"address_string": "地" * 300}, "address_string:"),
    ({"media_url": "http://169.254.169.254/latest/meta-data"}, "media_url"),
])
def test_it_refuses_bad_input_in_open311_format_and_stores_nothing(client, partner, station, extra, expected):
    response = post(client, form(partner.key, station, **extra))
    assert response.status_code == 400, response.content.decode()
    body = response.json()
    assert all(set(e) == {"code", "description"} and e["code"] == 400 for e in body)
    assert any(expected in e["description"] for e in body), body
    assert not Report.objects.exists()


@pytest.mark.parametrize("body", ['["not", "an", "object"]', "{not json", '{"api_key": {"x": 1}}',
                                  '{"service_code": ["urban"]}'])
def test_it_refuses_json_that_is_not_an_object_of_plain_values(client, partner, body):
    response = client.post("/open311/v2/requests.json", body, content_type="application/json")
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_a_huge_body_is_refused_without_a_500(client, partner, station, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, form(partner.key, station, description="长" * 20_000), as_json=True)
    assert response.status_code == 413 and response.json()[0]["code"] == 413


def test_a_script_is_kept_as_text_and_never_published(client, partner, station):
    script = "<script>alert(1)</script> 路灯坏了很久了"
    request = created_request(post(client, form(partner.key, station, description=script)))
    assert request.report.text == script
    listed = client.get("/open311/v2/requests.json")
    assert "<script>" not in listed.content.decode() and listed.json()[0]["description"] is None


@pytest.mark.parametrize("query, expected", [
    ({"start_date": "yesterday"}, "start_date:时间格式不正确"),
    ({"end_date": "2026-13-45"}, "end_date:时间格式不正确"),
    ({"start_date": "99999-01-01T00:00:00Z"}, "start_date:"),
    ({"start_date": "0001-01-01"}, "start_date:时间超出范围"),
    ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "start_date 不能晚于 end_date"),
    ({"status": "pending"}, "status:status 只能是 open 或 closed"),
    ({"service_code": "urban,bogus"}, "service_code:未知的 service_code"),
    ({"service_request_id": ",".join(["x"] * 101)}, "最多 100 个"),
])
def test_it_refuses_bad_filters(client, query, expected):
    response = client.get("/open311/v2/requests.json", query)
    assert response.status_code == 400
    assert any(expected in e["description"] for e in response.json()), response.json()


def test_nul_and_odd_characters_in_a_query_are_no_500(client):
    for query in ({"service_request_id": "abc\x00def"}, {"status": "open\x00"}, {"service_request_id": "'; drop--"}):
        assert client.get("/open311/v2/requests.json", query).status_code in (200, 400)
    assert client.get("/open311/v2/requests/%00.json").status_code == 404


# ---- limits ----------------------------------------------------------------------------------


def test_it_limits_posts_per_key_and_per_address_with_retry_after(client, partner, station, settings):
    settings.OPEN311_KEY_LIMITS = (2, 100)
    for ip in ("10.0.0.1", "10.0.0.2"):
        created_request(post(client, form(partner.key, station), ip=ip))
    response = post(client, form(partner.key, station), ip="10.0.0.3")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert response.json()[0]["code"] == 429 and "请求过于频繁" in response.json()[0]["description"]
    assert Report.objects.count() == 2
    # Per address: bad keys from one address are counted too (no guessing keys at speed).
    settings.OPEN311_IP_LIMITS = (3, 100)
    codes = [post(client, form("o311_guess", station), ip="10.9.9.9").status_code for _ in range(4)]
    assert codes == [403, 403, 403, 429]


def test_it_keeps_the_residents_per_station_limit(client, partner, station, settings):
    settings.RESIDENT_CODE_LIMIT_PER_HOUR = 1
    created_request(post(client, form(partner.key, station, phone=None)))
    response = post(client, form(partner.key, station, phone=None))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "该二维码收到的来信过多" in response.json()[0]["description"]


def test_a_blocked_number_is_refused_as_a_limited_one(client, partner, station, cast):
    resident_services.phone_block(actor=cast.staff, phone="13912345678")
    response = post(client, form(partner.key, station))
    assert response.status_code == 429 and not Report.objects.exists()


def test_it_limits_public_reads_per_address(client, settings):
    settings.OPEN311_READ_LIMITS = (2, 100)
    codes = [client.get("/open311/v2/services.json", REMOTE_ADDR="10.1.1.1").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/open311/v2/requests.json", REMOTE_ADDR="10.1.1.2").status_code == 200


def test_it_fails_closed_for_posts_when_the_counter_is_down(client, partner, station, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = post(client, form(partner.key, station))
    assert response.status_code == 503 and not Report.objects.exists()
    assert client.get("/open311/v2/services.json").status_code == 200  # reads stay up


# ---- the public list and detail --------------------------------------------------------------


PERSONAL = ("王大妈", "13912345678", "寇湾社区主路", "路灯坏了一周", "33.95", "116.79", "周庄社区3号楼", "小区门口路灯")


def test_no_get_shows_anything_personal(client, partner, station, cast, sms):
    from tests.residents.conftest import submit_report

    created_request(post(client, form(partner.key, station, lat="33.955123", long="116.798456")))
    qr = submit_report(client, station, sms, name="王大妈", show_name="on")
    resident_services.report_answer(report=qr, actor=cast.group_leader, reply="已联系供电所,本周修复。")
    listed = client.get("/open311/v2/requests.json")
    assert len(listed.json()) == 2
    pages = [listed] + [client.get(f"/open311/v2/requests/{r['service_request_id']}.json") for r in listed.json()]
    for page in pages:
        text = json.dumps(page.json(), ensure_ascii=False)
        assert not [p for p in PERSONAL if p in text], text
        assert qr.receipt_no not in text and qr.status_token not in text
    row = next(r for r in listed.json() if r["status"] == "closed")
    assert row["status_notes"] == "已联系供电所,本周修复。"
    assert {k for k, v in row.items() if v is not None} == {
        "service_request_id", "status", "status_notes", "service_name", "service_code", "requested_datetime",
        "updated_datetime"}
    assert row["requested_datetime"].endswith("+08:00") and row["updated_datetime"].endswith("+08:00")


def test_guessing_ids_finds_nothing(client, partner, station, sms):
    qr = submit_report(client, station, sms)
    real = qr.open311.token
    for guess in (str(qr.pk), qr.receipt_no, qr.status_token, real[:-1] + ("A" if real[-1] != "A" else "B"),
                  "1", "0", "-1", "..", "%20"):
        response = client.get(f"/open311/v2/requests/{guess}.json")
        assert response.status_code == 404 and response.json() == [{"code": 404, "description": "没有找到该服务请求。"}]
        assert client.get("/open311/v2/requests.json", {"service_request_id": guess}).json() == []
    assert client.get(f"/open311/v2/requests/{real}.json").status_code == 200


def test_an_unconfirmed_report_is_no_request(client, station, sms):
    client.post(f"/q/{station.token}/", {"category": "urban", "text": "小区门口路灯坏了两个月。", "phone": "13912345670",
                                         "consent": "on"})
    report = Report.objects.get()
    assert report.state == State.PENDING and report.open311.token
    assert client.get("/open311/v2/requests.json").json() == []
    assert client.get(f"/open311/v2/requests/{report.open311.token}.json").status_code == 404


def _status(client, report) -> dict:
    return client.get(f"/open311/v2/requests/{report.open311.token}.json").json()[0]


def test_open_turns_closed_as_the_report_is_handled_through_the_residents_services(client, station, cast, sms):
    from petitions import workflow

    leader = cast.group_leader  # on duty at the station
    report = submit_report(client, station, sms)
    assert _status(client, report)["status"] == "open"
    report = resident_services.report_accept(report=report, actor=leader)
    assert _status(client, report)["status"] == "open" and _status(client, report)["status_notes"] is None
    report = resident_services.report_answer(report=report, actor=leader, reply="已修复。")
    answered = _status(client, report)
    assert answered["status"] == "closed" and answered["status_notes"] == "已修复。"
    assert answered["updated_datetime"] >= answered["requested_datetime"]
    # Moderation hides the reply: status_notes follows the status page.
    report = resident_services.report_moderate(report=report, actor=cast.staff, public_reply="已修复。",
                                               reply_hidden=True)
    assert _status(client, report)["status_notes"] is None
    # The resident is not satisfied: open again.
    report = resident_services.report_rate(report=report, satisfaction="dissatisfied", comment="还是不亮", ip="1.1.1.1")
    assert _status(client, report)["status"] == "open"
    # Turned into an opinion item: open until the item is concluded.
    report = resident_services.report_convert(report=report, actor=leader)
    assert _status(client, report)["status"] == "open"
    item = workflow.item_start_research(item=report.item, actor=cast.staff)
    item = workflow.item_assign(item=item, actor=cast.staff, lead_unit=cast.zhujian.unit)
    item = workflow.item_submit_result(item=item, actor=cast.zhujian, result="已更换灯具。")
    item = workflow.item_review_reply(item=item, actor=cast.staff, approve=True)
    assert _status(client, report)["status"] == "open"
    workflow.item_evaluate(item=item, actor=leader, satisfaction="satisfied")
    assert _status(client, report)["status"] == "closed"
    assert client.get("/open311/v2/requests.json", {"status": "closed"}).json()[0]["service_request_id"] == \
        report.open311.token
    assert client.get("/open311/v2/requests.json", {"status": "open"}).json() == []


def test_a_refused_report_is_closed_with_its_reason(client, station, cast, sms):
    report = submit_report(client, station, sms)
    resident_services.report_reject(report=report, actor=cast.group_leader, reason="不属于本站受理范围。")
    assert (_status(client, report)["status"], _status(client, report)["status_notes"]) == ("closed", "不属于本站受理范围。")


def test_it_filters_by_ids_code_status_and_dates_with_a_90_day_default(client, partner, station, settings):
    settings.OPEN311_KEY_LIMITS = (100, 1000)
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=120)):
        old = created_request(post(client, form(partner.key, station, service_code="ecology"), ip="10.0.0.5"))
    recent = created_request(post(client, form(partner.key, station), ip="10.0.0.6"))
    ids = lambda q: [r["service_request_id"] for r in client.get("/open311/v2/requests.json", q).json()]  # noqa: E731
    assert ids({}) == [recent.token]  # the last 90 days
    assert ids({"start_date": (now - dt.timedelta(days=200)).isoformat()}) == [recent.token, old.token]
    assert ids({"end_date": (now - dt.timedelta(days=100)).date().isoformat()}) == [old.token]
    assert ids({"start_date": "2000-01-01", "service_code": "ecology"}) == [old.token]
    assert ids({"start_date": "2000-01-01T00:00:00Z", "service_code": "urban,ecology", "status": "open"}) == [
        recent.token, old.token]
    # Ids: the other filters do not apply.
    assert set(ids({"service_request_id": f"{old.token},{recent.token}", "status": "closed"})) == {old.token,
                                                                                                      recent.token}


def test_the_list_keeps_one_query_as_rows_grow(client, partner, station, settings):
    settings.OPEN311_KEY_LIMITS = settings.OPEN311_IP_LIMITS = (1000, 10000)
    settings.RESIDENT_CODE_LIMIT_PER_HOUR = 1000

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/open311/v2/requests.json")
        assert response.status_code == 200
        return len(response.json()), len(queries.captured_queries)

    created_request(post(client, form(partner.key, station, phone=None)))
    small = count()
    for _ in range(8):
        created_request(post(client, form(partner.key, station, phone=None)))
    large = count()
    assert (small[0], large[0]) == (1, 9)
    assert small[1] == large[1] == 1
