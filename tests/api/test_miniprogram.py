"""The mini-program end to end (issue 14): a deputy signs in with WeChat for the first time (the fake
code2Session), binds by SMS (the code read from the fake gateway), submits an opinion item with a photo,
retries the same POST with the same Idempotency-Key (still one item), is notified when staff and the
handling unit have acted, and evaluates, all over the API with the device token it was given."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.models import WeChatBinding
from areas.models import Area
from petitions.choices import State
from petitions.models import Attachment, Item
from tests.petitions.helpers import PNG

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"


def test_it_plays_the_mini_program_from_wechat_sign_in_to_evaluation(
        anon, api, cast, wechat, sms, django_capture_on_commit_callbacks):
    cast.deputy.deputy.mobile = MOBILE
    cast.deputy.deputy.save(update_fields=["mobile"])

    # wx.login() → auth/wechat: first time, so bind by mobile + SMS code.
    first = anon.post("/api/v1/auth/wechat", {"code": wechat.code_for("o-liufang"), "device": "刘芳的小程序"},
                      format="json")
    assert first.status_code == 202, first.content
    bind_token = first.json()["bind_token"]
    with django_capture_on_commit_callbacks(execute=True):  # the SMS is sent by the worker after commit
        assert anon.post("/api/v1/auth/wechat/bind", {"bind_token": bind_token, "mobile": MOBILE},
                         format="json").status_code == 200
    tokens = anon.post("/api/v1/auth/wechat/bind/confirm", {"bind_token": bind_token, "mobile": MOBILE,
                                                            "sms_code": sms.last_code(MOBILE), "device": "刘芳的小程序"},
                       format="json")
    assert tokens.status_code == 201, tokens.content
    assert WeChatBinding.objects.get().user == cast.deputy
    phone = api()
    phone.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access_token']}")
    assert phone.get("/api/v1/me").json()["deputy"]["name"] == "刘芳"

    # An item with a photo, sent twice with one Idempotency-Key (the network dropped the first answer).
    def submit():
        data = {"title": "周庄社区路灯不亮", "content": "周庄社区主干道路灯已坏两周。", "category": "urban",
                "area": Area.objects.get(name="东山街道").pk, "submit": "true",
                "files": [SimpleUploadedFile("路灯.png", PNG, content_type="image/png")]}
        return phone.post("/api/v1/items", data, format="multipart", HTTP_IDEMPOTENCY_KEY="mp-item-1")

    created, retried = submit(), submit()
    assert created.status_code == retried.status_code == 201, created.content
    assert retried["Idempotent-Replayed"] == "true" and retried.json() == created.json()
    item = Item.objects.get()
    assert item.state == State.SUBMITTED and Attachment.objects.get().item == item
    photo = created.json()["item"]["timeline"][0]["attachments"][0]
    assert photo["name"] == "路灯.png"
    assert b"".join(phone.get(f"/api/v1/attachments/{photo['id']}").streaming_content) == PNG

    # Staff and the handling unit act through their own doors; the deputy is told after each commit.
    assert phone.get("/api/v1/notifications", {"unread": 1}).json()["results"] == []
    staff, unit = api(cast.dongshan_staff), api(cast.zhujian)
    url = f"/api/v1/items/{item.pk}/actions/"
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url + "start_research").status_code == 200
        assert staff.post(url + "assign", {"lead_unit": cast.zhujian.unit_id}, format="json").status_code == 200
        assert unit.post(url + "submit_result", {"result": "已更换灯具,恢复照明。"}, format="json").status_code == 200
        assert staff.post(url + "review", {"approve": True}, format="json").status_code == 200
    inbox = phone.get("/api/v1/notifications", {"unread": 1}).json()["results"]
    assert inbox, "the deputy was told nothing"
    assert {"item.assign", "item.pass_on"} <= {n["kind"] for n in inbox}
    assert any(n["kind"] == "item.pass_on" and "请评价" in n["title"] for n in inbox)
    detail = phone.get(f"/api/v1/items/{item.pk}").json()
    assert detail["state"] == "evaluation" and "evaluate" in detail["actions"]
    assert detail["reply"] == "已更换灯具,恢复照明。"

    # Evaluate, and read the notifications.
    done = phone.post(url + "evaluate", {"satisfaction": "satisfied", "comment": "很及时"}, format="json",
                      HTTP_IDEMPOTENCY_KEY="mp-eval-1")
    assert done.status_code == 200 and done.json()["item"]["state"] == "closed"
    item.refresh_from_db()
    assert item.state == State.CLOSED and item.satisfaction == "satisfied"
    phone.post("/api/v1/notifications/read", {}, format="json")
    assert phone.get("/api/v1/notifications", {"unread": 1}).json()["results"] == []
