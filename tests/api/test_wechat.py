"""WeChat sign-in (微信登录) against a local code2Session over real HTTP, and the first-time binding by
mobile number + SMS code through the residents' SMS client and its fake gateway."""

import datetime as dt

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from api.models import Device, WeChatBinding, WeChatBindRequest
from audit.models import SecurityEvent
from tests.api.conftest import after_commit

pytestmark = pytest.mark.django_db

LIU_FANG = "13900000001"  # 刘芳's roster mobile in these tests (the personas share one number)


@pytest.fixture
def liu(cast):
    cast.deputy.deputy.mobile = LIU_FANG
    cast.deputy.deputy.save(update_fields=["mobile"])
    return cast.deputy


def sign_in(client, wechat, openid="o-liufang"):
    return client.post("/api/v1/auth/wechat", {"code": wechat.code_for(openid), "device": "刘芳的小程序"},
                       format="json")


def bind(client, token, mobile=LIU_FANG):
    return after_commit(lambda: client.post("/api/v1/auth/wechat/bind", {"bind_token": token, "mobile": mobile},
                                            format="json"))


def confirm(client, token, code, mobile=LIU_FANG):
    return client.post("/api/v1/auth/wechat/bind/confirm", {"bind_token": token, "mobile": mobile, "sms_code": code},
                       format="json")


def test_it_signs_in_a_bound_wechat_account_with_device_tokens(anon, liu, wechat, settings):
    WeChatBinding.objects.create(openid="o-liufang", user=liu)
    response = sign_in(anon, wechat)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "refresh_expires_in", "device_id"}
    assert wechat.SESSION_KEY not in response.content.decode()
    sent = wechat.requests[-1]
    assert sent["path"] == "/sns/jscode2session" and sent["appid"] == settings.WECHAT_APP_ID
    assert sent["secret"] == settings.WECHAT_APP_SECRET and sent["grant_type"] == "authorization_code"
    assert Device.objects.get(pk=body["device_id"]).name == "刘芳的小程序"
    assert SecurityEvent.objects.filter(kind="login", user=liu, detail__via="wechat").exists()
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert anon.get("/api/v1/me").json()["deputy"]["name"] == "刘芳"
    # The session key is nowhere in what we store.
    assert wechat.SESSION_KEY not in str(list(WeChatBinding.objects.values())) + str(list(Device.objects.values()))


def test_it_binds_a_first_wechat_account_by_sms_code(anon, liu, wechat, sms):
    first = sign_in(anon, wechat)
    assert first.status_code == 202, first.content
    data = first.json()
    assert data["bind_required"] is True and data["bind_token"].startswith("xsb_") and data["expires_in"] > 0
    assert wechat.SESSION_KEY not in first.content.decode() and "o-liufang" not in first.content.decode()
    assert not WeChatBinding.objects.exists()
    sent = bind(anon, data["bind_token"], mobile="139-0000-0001")  # spaces, dashes and +86 are forgiven
    assert sent.status_code == 200, sent.content
    assert "10 分钟内有效" in sent.json()["message"]
    assert [m["phone"] for m in sms.messages] == [LIU_FANG]
    response = confirm(anon, data["bind_token"], sms.last_code(LIU_FANG))
    assert response.status_code == 201, response.content
    assert WeChatBinding.objects.get().user == liu
    assert SecurityEvent.objects.filter(kind="account_change", user=liu, detail__wechat_bound=True).exists()
    # The bind token is used up; the next WeChat sign-in goes straight in.
    again = confirm(anon, data["bind_token"], sms.last_code(LIU_FANG))
    assert again.status_code == 400 and again.json()["code"] == "invalid_bind_token"
    assert sign_in(anon, wechat).status_code == 201


def test_it_answers_the_same_whether_or_not_the_mobile_has_an_account(anon, liu, wechat, sms):
    known = bind(anon, sign_in(anon, wechat, "o-1").json()["bind_token"])
    unknown_token = sign_in(anon, wechat, "o-2").json()["bind_token"]
    unknown = bind(anon, unknown_token, mobile="13711112222")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert [m["phone"] for m in sms.messages] == [LIU_FANG]  # nothing to a number without an account
    # Confirming answers alike too: a number without an account fails as a wrong code does.
    refused = confirm(anon, unknown_token, "123456", mobile="13711112222")
    assert refused.status_code == 400 and refused.json()["code"] == "sms_code_invalid"
    assert refused.json()["message"] == "验证码不正确,请核对后重新输入。"
    assert not WeChatBinding.objects.exists()


def test_it_refuses_to_bind_a_mobile_of_several_accounts_and_tells_its_owner(anon, cast, wechat, sms):
    shared = cast.group_leader.deputy.mobile  # 张伟 and 赵强 (and 刘芳) share one roster number
    token = sign_in(anon, wechat, "o-shared").json()["bind_token"]
    assert bind(anon, token, mobile=shared).status_code == 200
    assert len(sms.messages) == 1 and "多个账号" in sms.messages[0]["text"] and "验证码是" not in sms.messages[0]["text"]
    for guess in ("000000", "123456"):
        assert confirm(anon, token, guess, mobile=shared).json()["code"] == "sms_code_invalid"
    assert not WeChatBinding.objects.exists()


def test_it_limits_wrong_codes_and_expires_them(anon, liu, wechat, sms):
    token = sign_in(anon, wechat).json()["bind_token"]
    bind(anon, token)
    code = sms.last_code(LIU_FANG)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = confirm(anon, token, wrong)
        assert response.status_code == 400 and response.json()["message"] == "验证码不正确,请核对后重新输入。"
    response = confirm(anon, token, code)
    assert response.status_code == 400 and response.json()["code"] == "too_many_attempts"
    assert WeChatBindRequest.objects.get().attempts == 5 and not WeChatBinding.objects.exists()
    # A code past its ten minutes, then a bind token past its fifteen.
    later = timezone.now() + dt.timedelta(minutes=2)  # the number's one code a minute
    with time_machine.travel(later):
        token = sign_in(anon, wechat, "o-late").json()["bind_token"]
        assert bind(anon, token).status_code == 200
    with time_machine.travel(later + dt.timedelta(minutes=11)):
        response = confirm(anon, token, sms.last_code(LIU_FANG))
    assert response.status_code == 400 and response.json()["code"] == "sms_code_expired"
    with time_machine.travel(later + dt.timedelta(minutes=16)):
        response = confirm(anon, token, sms.last_code(LIU_FANG))
    assert response.json()["code"] == "invalid_bind_token"


def test_it_sends_one_code_a_minute_per_number_and_nothing_twice_on_a_retry(anon, liu, wechat, sms):
    token = sign_in(anon, wechat).json()["bind_token"]
    first, retried = bind(anon, token), bind(anon, token)
    assert first.status_code == retried.status_code == 200 and len(sms.messages) == 1
    other = bind(anon, sign_in(anon, wechat, "o-other").json()["bind_token"])
    assert other.status_code == 400 and other.json()["code"] == "too_many_codes" and "每分钟 1 次" in other.json()["message"]
    assert len(sms.messages) == 1
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        assert bind(anon, token).status_code == 200  # 重新获取 after the minute: a new code
    assert len(sms.messages) == 2


def test_it_turns_every_wechat_failure_into_a_chinese_message(anon, liu, wechat, settings):
    response = anon.post("/api/v1/auth/wechat", {"code": "made-up"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "wechat_code_invalid"
    code = wechat.code_for("o-x")
    anon.post("/api/v1/auth/wechat", {"code": code}, format="json")
    response = anon.post("/api/v1/auth/wechat", {"code": code}, format="json")
    assert response.status_code == 400 and "已使用过" in response.json()["message"]
    wechat.answer_override = {"errcode": -1, "errmsg": "system busy"}
    response = sign_in(anon, wechat)
    assert response.status_code == 503 and response.json()["message"] == "微信服务繁忙,请稍后再试。"
    wechat.answer_override = {"errcode": 99999}
    assert sign_in(anon, wechat).json()["code"] == "wechat_unavailable"
    wechat.answer_override = ["not", "an", "object"]
    assert sign_in(anon, wechat).status_code == 503
    wechat.answer_override = None
    settings.WECHAT_API_BASE_URL = "http://127.0.0.1:9"  # nobody listening
    response = sign_in(anon, wechat)
    assert response.status_code == 503 and "暂时无法连接微信服务" in response.json()["message"]
    settings.WECHAT_APP_ID = ""
    assert sign_in(anon, wechat).json()["code"] == "wechat_not_configured"
    settings.WECHAT_APP_ID, settings.WECHAT_API_BASE_URL = "wx-test-app", wechat.url
    WeChatBinding.objects.create(openid="o-liufang", user=liu)
    liu.is_active = False
    liu.save(update_fields=["is_active"])
    response = sign_in(anon, wechat)
    assert response.status_code == 403 and response.json()["code"] == "account_inactive"
    assert not Device.objects.exists()


def test_it_validates_the_bind_requests(anon, liu, wechat, sms):
    token = sign_in(anon, wechat).json()["bind_token"]
    response = bind(anon, token, mobile="12345")
    assert response.status_code == 400 and response.json()["fields"] == {"mobile": ["请输入 11 位手机号码。"]}
    response = confirm(anon, token, "12ab")
    assert response.json()["fields"]["sms_code"] == ["请输入 6 位数字验证码。"]
    assert bind(anon, "xsb_guessed").json()["code"] == "invalid_bind_token"
    assert not sms.messages


def test_it_fails_closed_when_the_sms_counter_is_down(anon, liu, wechat, sms, settings):
    token = sign_in(anon, wechat).json()["bind_token"]
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = bind(anon, token)
    assert response.status_code == 503 and response.json()["message"] == "服务暂时繁忙,请稍后再试。"
    assert not sms.messages


def test_it_does_the_same_work_in_the_request_whatever_the_number_and_sends_from_the_worker(anon, liu, wechat, sms):
    """The timing leak (issue 14): the request neither looks the number up nor calls the SMS gateway, for a
    number with an account and one without alike; the worker does both after commit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def ask(openid, mobile):
        token = sign_in(anon, wechat, openid).json()["bind_token"]
        with CaptureQueriesContext(connection) as queries:
            response = anon.post("/api/v1/auth/wechat/bind", {"bind_token": token, "mobile": mobile}, format="json")
        return token, response, [q["sql"] for q in queries.captured_queries]

    with TestCase.captureOnCommitCallbacks() as known_queued:
        known_token, known, known_sql = ask("o-known", LIU_FANG)
    with TestCase.captureOnCommitCallbacks() as unknown_queued:
        unknown_token, unknown, unknown_sql = ask("o-unknown", "13711112222")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 200
    # The same statements (the numbers differ only as parameters), none of them on the accounts or roster.
    assert len(known_sql) == len(unknown_sql)
    assert not [q for q in known_sql + unknown_sql if "accounts_user" in q or "deputies_deputy" in q]
    assert sms.messages == [] and sms.queued == []  # nothing sent within the request
    # Before the worker ran, confirming fails as for any missing code.
    assert confirm(anon, known_token, "000000").json()["code"] == "sms_code_required"
    # After commit: one task each; the worker sends only to the number with an account.
    assert len(known_queued) == len(unknown_queued) == 1
    known_queued[0]()
    unknown_queued[0]()
    assert len(sms.queued) == 2
    assert [m["phone"] for m in sms.messages] == [LIU_FANG]
    assert confirm(anon, unknown_token, "123456", mobile="13711112222").json()["code"] == "sms_code_invalid"
    response = confirm(anon, known_token, sms.last_code(LIU_FANG))
    assert response.status_code == 201 and WeChatBinding.objects.get().user == liu


def test_it_sends_a_bind_code_once_even_if_its_task_runs_twice(anon, liu, wechat, sms):
    from api.services import wechat_bind_code_send

    token = sign_in(anon, wechat).json()["bind_token"]
    bind(anon, token)
    assert len(sms.messages) == 1
    row = WeChatBindRequest.objects.get()
    assert wechat_bind_code_send(request_id=row.pk, sends=row.sends) == "stale"
    assert wechat_bind_code_send(request_id=row.pk, sends=row.sends - 1) == "stale"
    assert len(sms.messages) == 1


def test_a_failing_sms_gateway_is_not_told_to_the_caller(anon, liu, wechat, sms):
    sms.fail = True
    token = sign_in(anon, wechat).json()["bind_token"]
    response = bind(anon, token)
    assert response.status_code == 200 and "10 分钟内有效" in response.json()["message"]
    assert sms.messages == [] and len(sms.queued) == 1
