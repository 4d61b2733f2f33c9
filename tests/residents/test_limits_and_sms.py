"""Rate limits (per number, per IP, per code) in real Redis, and the SMS client against a fake gateway."""

import json

import pytest

from residents.models import Report
from residents.sms import SmsClient, SmsError

from .conftest import report_data

pytestmark = pytest.mark.django_db


def test_it_allows_one_code_a_minute_per_number_and_stores_nothing_beyond(client, cast, codes, sms):
    token = codes["deputy"].token
    assert client.post(f"/q/{token}/", report_data())["Location"].endswith("/verify/")
    second = client.post(f"/q/{token}/", report_data(text="另一件事:楼道堆放杂物。"), REMOTE_ADDR="10.0.0.2")
    assert second.status_code == 200 and "每分钟 1 次" in second.content.decode()
    assert "楼道堆放杂物" in second.content.decode()  # what was typed is kept
    assert Report.objects.count() == 1 and len(sms.messages) == 1
    # The resend button counts against the same number.
    report = Report.objects.get()
    resend = client.post(f"/q/s/{report.status_token}/resend/", follow=True)
    assert "过于频繁" in resend.content.decode() and len(sms.messages) == 1
    # Another number is fine.
    assert client.post(f"/q/{token}/", report_data(phone="13700001111"))["Location"].endswith("/verify/")


def test_it_limits_per_ip_and_per_code(client, cast, codes, sms, settings):
    settings.RESIDENT_IP_LIMITS = (2, 30)
    token = codes["deputy"].token
    for i in range(2):
        assert client.post(f"/q/{token}/", report_data(phone=f"1370000000{i}")).status_code == 302
    refused = client.post(f"/q/{token}/", report_data(phone="13700000009"))
    assert "本网络提交过于频繁" in refused.content.decode() and Report.objects.count() == 2

    settings.RESIDENT_CODE_LIMIT_PER_HOUR = 2  # counted from other addresses too
    refused = client.post(f"/q/{token}/", report_data(phone="13700000008"), REMOTE_ADDR="10.9.9.9")
    assert "该二维码收到的来信过多" in refused.content.decode() and Report.objects.count() == 2
    # Another code is counted apart.
    other = client.post(f"/q/{codes['station'].token}/", report_data(phone="13700000007"), REMOTE_ADDR="10.9.9.8")
    assert other.status_code == 302


def test_it_fails_closed_when_the_counter_is_down(client, cast, codes, sms, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    page = client.post(f"/q/{codes['deputy'].token}/", report_data())
    assert "服务暂时繁忙" in page.content.decode()
    assert not Report.objects.exists() and not sms.messages


def test_the_sms_client_posts_json_to_the_gateway_and_raises_on_errors(sms, settings):
    settings.SITE_NAME = "测试平台"
    SmsClient().send(phone="13912345678", text="你好")
    assert sms.messages == [{"path": "/send", "phone": "13912345678", "text": "【测试平台】你好"}]
    json.dumps(sms.messages)
    sms.fail = True
    with pytest.raises(SmsError):
        SmsClient().send(phone="13912345678", text="你好")
    with pytest.raises(SmsError):
        SmsClient(base_url="http://127.0.0.1:1").send(phone="13912345678", text="你好")


def test_a_failed_sms_leaves_a_clear_message(client, cast, codes, sms):
    sms.fail = True
    page = client.post(f"/q/{codes['deputy'].token}/", report_data(), follow=True)
    assert "发送失败" in page.content.decode() and "重新发送" in page.content.decode()
