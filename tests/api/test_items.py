"""Opinion items over the API: scoped exactly as the pages (out of scope 404, wrong role 403), created
as a deputy through the page's form, and moved through the loop by the page's own action table."""

import pytest

from areas.models import Area
from petitions.choices import Action, State
from petitions.models import Attachment, Item, ItemEvent
from tests.petitions.helpers import PNG, make, new_item

pytestmark = pytest.mark.django_db


def body(**extra):
    data = {"title": "周庄社区路灯不亮", "content": "周庄社区主干道路灯已坏两周。", "category": "urban",
            "area": Area.objects.get(name="东山街道").pk, "submit": True}
    data.update(extra)
    return data


# ---- list ---------------------------------------------------------------------------------------


def test_it_lists_only_the_items_in_scope(api, anon, cast):
    dongshan = make(cast, State.HANDLING)  # lead 区住建局, co 区生态环境分局
    renwei = new_item(cast, user=cast.renwei_deputy, area=Area.objects.get(name="任圩街道"))
    assert anon.get("/api/v1/items").status_code == 401

    def ids(user, **params):
        response = api(user).get("/api/v1/items", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(cast.staff) == {dongshan.pk, renwei.pk}
    assert ids(cast.dongshan_staff) == {dongshan.pk}
    assert ids(cast.renwei_staff) == {renwei.pk}
    assert ids(cast.zhujian) == {dongshan.pk}
    assert ids(cast.deputy) == {dongshan.pk}  # box "mine" by default
    assert ids(cast.renwei_deputy) == {renwei.pk}
    assert ids(cast.staff, state="handling") == {dongshan.pk}
    assert ids(cast.zhujian, box="todo") == {dongshan.pk}
    assert ids(cast.huanbao, box="todo") == {dongshan.pk}  # the co-unit's part is its work too


def test_it_refuses_a_box_of_another_role_and_a_bad_filter(api, cast):
    response = api(cast.leader).get("/api/v1/items", {"box": "mine"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = api(cast.deputy).get("/api/v1/items", {"box": "research"})
    assert response.status_code == 403
    response = api(cast.staff).get("/api/v1/items", {"state": "nonsense"})
    assert response.status_code == 400 and "state" in response.json()["fields"]
    assert api(cast.staff).get("/api/v1/items", {"box": "nope"}).json()["fields"] == {"box": ["没有这个工作箱。"]}


def test_it_pages_the_list_by_cursor_in_constant_queries(api, cast, django_assert_max_num_queries):
    for n in range(5):
        new_item(cast, title=f"事项{n}")
    client = api(cast.staff)
    with django_assert_max_num_queries(8):
        first = client.get("/api/v1/items", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["previous"] is None
    for n in range(20):
        new_item(cast, title=f"更多事项{n}")
    with django_assert_max_num_queries(8):
        page = client.get("/api/v1/items", {"page_size": 20}).json()
    assert len(page["results"]) == 20
    second = client.get(first["next"]).json()
    assert {r["id"] for r in second["results"]}.isdisjoint({r["id"] for r in first["results"]})
    row = page["results"][0]
    assert row["deputy"]["name"] == "刘芳" and row["area"]["name"] == "东山街道"
    assert row["state"] == "submitted" and row["state_label"] == "已提交" and row["period"] == "2026-11"
    assert row["submitted_at"].endswith("+08:00")


# ---- detail -------------------------------------------------------------------------------------


def test_it_shows_an_item_in_scope_with_timeline_actions_and_etag(api, cast):
    item = make(cast, State.HANDLING)
    client = api(cast.zhujian)
    response = client.get(f"/api/v1/items/{item.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == item.number and data["lead_unit"]["name"] == "相山区住房和城乡建设局"
    assert [row["action"] for row in data["timeline"]] == ["create", "submit", "start_research", "assign"]
    assert {"progress", "submit_result", "request_extension", "request_return"} <= set(data["actions"])
    assert "assign" not in data["actions"]
    etag = response["ETag"]
    cached = client.get(f"/api/v1/items/{item.pk}", HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304 and not cached.content
    client.post(f"/api/v1/items/{item.pk}/actions/progress", {"comment": "已联系供电公司"}, format="json")
    changed = client.get(f"/api/v1/items/{item.pk}", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_it_hides_items_out_of_scope_as_404(api, cast):
    item = make(cast, State.RESEARCH)  # 东山街道, not assigned yet
    draft = new_item(cast, submit=False)
    for user in (cast.renwei_staff, cast.zhujian, cast.renwei_deputy):
        response = api(user).get(f"/api/v1/items/{item.pk}")
        assert response.status_code == 404, user
        assert response.json()["code"] == "not_found"
    assert api(cast.staff).get(f"/api/v1/items/{draft.pk}").status_code == 404  # drafts are the author's
    assert api(cast.deputy).get(f"/api/v1/items/{draft.pk}").status_code == 200
    assert api(cast.staff).get("/api/v1/items/999999").status_code == 404


def test_it_hides_the_reply_from_the_deputy_until_passed_on(api, cast):
    item = make(cast, State.REVIEW)
    assert api(cast.deputy).get(f"/api/v1/items/{item.pk}").json()["reply"] == ""
    assert api(cast.staff).get(f"/api/v1/items/{item.pk}").json()["reply"] == "已更换灯具,恢复照明。"


# ---- create -------------------------------------------------------------------------------------


def test_it_creates_and_submits_an_item_as_a_deputy(api, cast):
    response = api(cast.deputy).post("/api/v1/items", body(), format="json")
    assert response.status_code == 201, response.content
    item = Item.objects.get()
    assert item.deputy == cast.deputy.deputy and item.state == State.SUBMITTED and not item.on_behalf
    assert response.json()["message"] == f"已提交,编号 {item.number}。"
    assert response.json()["item"]["id"] == item.pk and response["Location"] == f"/api/v1/items/{item.pk}"
    draft = api(cast.deputy).post("/api/v1/items", body(submit=False, title="草稿"), format="json")
    assert draft.json()["item"]["state"] == "draft" and draft.json()["message"] == "草稿已保存。"


def test_it_refuses_a_create_with_the_pages_messages_and_changes_nothing(api, cast):
    response = api(cast.deputy).post("/api/v1/items", body(title="", category=""), format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["title"] == ["这个字段是必填项。"] and fields["category"] == ["提交前请填写此项。"]
    for user in (cast.leader, cast.zhujian):
        assert api(user).post("/api/v1/items", body(), format="json").status_code == 403
    assert api(cast.deputy).post("/api/v1/items", [1, 2], format="json").status_code == 400
    assert not Item.objects.exists()


def test_it_creates_an_item_with_a_photo(api, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # 6 MB: above FILE_UPLOAD_MAX_MEMORY_SIZE, so the upload is a file on disk (TemporaryUploadedFile).
    photo = PNG + b"\0" * (6 * 1024 * 1024)
    data = {**body(submit="true"), "files": [SimpleUploadedFile("路灯.png", photo, content_type="image/png")]}
    response = api(cast.deputy).post("/api/v1/items", data, format="multipart")
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.item.state == State.SUBMITTED and attachment.name == "路灯.png"
    assert response.json()["item"]["timeline"][0]["attachments"][0]["name"] == "路灯.png"


def test_it_runs_a_retried_create_once_with_the_same_idempotency_key(api, cast):
    client = api(cast.deputy)
    first = client.post("/api/v1/items", body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/items", {**body()}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Item.objects.count() == 1
    other = client.post("/api/v1/items", body(title="另一件事"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Item.objects.count() == 1
    # Keys belong to an account: another deputy's k-1 is a new request.
    assert api(cast.group_leader).post("/api/v1/items", body(), format="json",
                                       HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    assert Item.objects.count() == 2


# ---- actions ------------------------------------------------------------------------------------


def test_it_moves_an_item_through_the_loop_by_the_pages_actions(api, cast):
    item = new_item(cast)
    staff, unit, deputy = api(cast.dongshan_staff), api(cast.zhujian), api(cast.deputy)
    url = f"/api/v1/items/{item.pk}/actions/"
    assert staff.post(url + "start_research").json()["item"]["state"] == "research"
    response = staff.post(url + "assign", {"lead_unit": cast.zhujian.unit_id, "co_units": [cast.huanbao.unit_id],
                                           "comment": "请尽快办理"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["message"] == "已交办。" and response.json()["item"]["state"] == "handling"
    assert unit.post(url + "submit_result", {"result": "已更换灯具。"}, format="json").status_code == 200
    assert staff.post(url + "review", {"approve": True}, format="json").json()["item"]["state"] == "evaluation"
    response = deputy.post(url + "evaluate", {"satisfaction": "satisfied", "comment": "很好"}, format="json")
    assert response.status_code == 200 and response.json()["message"] == "评价已提交,谢谢。"
    item.refresh_from_db()
    assert item.state == State.CLOSED and item.satisfaction == "satisfied"
    assert list(ItemEvent.objects.filter(item=item).values_list("action", flat=True)) == [
        Action.CREATE, Action.SUBMIT, Action.START_RESEARCH, Action.ASSIGN, Action.SUBMIT_RESULT, Action.PASS_ON,
        Action.EVALUATE]


def test_it_refuses_actions_by_role_scope_and_state(api, cast):
    item = make(cast, State.SUBMITTED)
    url = f"/api/v1/items/{item.pk}/actions/"
    assert api().post(url + "start_research").status_code == 401
    assert api(cast.deputy).post(url + "start_research").status_code == 403  # a deputy's role may not
    assert api(cast.leader).post(url + "start_research").status_code == 403
    assert api(cast.renwei_staff).post(url + "start_research").status_code == 404  # another area's item
    assert api(cast.staff).post(url + "nonsense").status_code == 404
    item.refresh_from_db()
    assert item.state == State.SUBMITTED
    assert api(cast.staff).post(url + "start_research").status_code == 200
    again = api(cast.dongshan_staff).post(url + "start_research")
    assert again.status_code == 409 and again.json()["code"] == "stale_state" and "已被" in again.json()["message"]
    refused = api(cast.staff).post(url + "return_for_detail", {"comment": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["fields"]["comment"] == ["这个字段是必填项。"]
    assert api(cast.staff).get(url + "start_research").status_code == 405
    item.refresh_from_db()
    assert item.state == State.RESEARCH


def test_it_does_an_action_once_for_a_retried_post(api, cast):
    item = make(cast, State.HANDLING)
    client = api(cast.zhujian)
    url = f"/api/v1/items/{item.pk}/actions/progress"
    for _ in range(3):
        response = client.post(url, {"comment": "已派人查看"}, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
        assert response.status_code == 200
    assert ItemEvent.objects.filter(item=item, action=Action.PROGRESS).count() == 1


def test_it_purges_stored_answers_after_their_time(api, cast, settings):
    import datetime as dt

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    from api.models import IdempotencyRecord

    api(cast.deputy).post("/api/v1/items", body(), format="json", HTTP_IDEMPOTENCY_KEY="old")
    call_command("api_purge_idempotency")
    assert IdempotencyRecord.objects.count() == 1
    with time_machine.travel(timezone.now() + dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS + 1)):
        call_command("api_purge_idempotency")
    assert not IdempotencyRecord.objects.exists()


def test_it_downloads_an_attachment_only_in_scope(api, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {**body(), "files": [SimpleUploadedFile("路灯.png", PNG, content_type="image/png")]}
    api(cast.deputy).post("/api/v1/items", data, format="multipart")
    attachment = Attachment.objects.get()
    response = api(cast.dongshan_staff).get(f"/api/v1/attachments/{attachment.pk}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png" and "attachment" in response["Content-Disposition"]
    for user in (cast.renwei_staff, cast.zhujian, cast.renwei_deputy):
        assert api(user).get(f"/api/v1/attachments/{attachment.pk}").status_code == 404
    assert api().get(f"/api/v1/attachments/{attachment.pk}").status_code == 401


def test_a_list_row_is_what_its_declared_fields_give(api, cast):
    """ItemRowSerializer builds its rows directly (speed, issue 14): the same as DRF's field machinery."""
    import datetime

    from rest_framework import serializers

    from api.serializers import ItemRowSerializer

    items = [make(cast, State.HANDLING), make(cast, State.RESEARCH), new_item(cast, user=cast.deputy)]
    for item in Item.objects.filter(pk__in=[i.pk for i in items]).select_related("deputy", "area", "lead_unit"):
        context = {"today": datetime.date.today()}
        fast = ItemRowSerializer(item, context=context).data
        generic = serializers.Serializer.to_representation(ItemRowSerializer(context=context), item)
        assert dict(fast) == dict(generic), item
    rows = api(cast.staff).get("/api/v1/items").json()["results"]
    assert {r["id"] for r in rows} >= {i.pk for i in items[:2]}
