"""Deputy suggestions over the API (read): scoped as the pages, no contacts, constant queries."""

import pytest

from suggestions.choices import State
from tests.suggestions.helpers import draft, make

pytestmark = pytest.mark.django_db


def test_it_lists_suggestions_in_scope_in_constant_queries(api, anon, cast, django_assert_max_num_queries):
    mine = make(cast, State.HANDLING)  # 刘芳 (东山), co-signed by 张伟, lead 区住建局
    theirs = draft(cast, user=cast.renwei_deputy, co=[])
    assert anon.get("/api/v1/suggestions").status_code == 401

    def ids(user):
        response = api(user).get("/api/v1/suggestions")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(cast.deputy) == ids(cast.group_leader) == ids(cast.zhujian) == {mine.pk}
    assert ids(cast.huanbao) == {mine.pk}
    assert ids(cast.renwei_deputy) == {theirs.pk}  # their own draft
    assert ids(cast.staff) == ids(cast.dongshan_staff) == {mine.pk}
    assert ids(cast.renwei_staff) == set()
    for _ in range(5):
        make(cast, State.HANDLING)
    with django_assert_max_num_queries(8):
        rows = api(cast.staff).get("/api/v1/suggestions").json()["results"]
    assert len(rows) == 6 and rows[0]["lead_units"] == ["相山区住房和城乡建设局"]
    assert api(cast.staff).get("/api/v1/suggestions", {"state": "x"}).status_code == 400


def test_it_shows_a_suggestion_in_scope_without_contacts(api, cast):
    s = make(cast, State.ANSWERED)
    response = api(cast.deputy).get(f"/api/v1/suggestions/{s.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["lead_deputy"]["name"] == "刘芳" and [c["name"] for c in data["co_signers"]] == ["张伟"]
    assert data["replies"][0]["reply_class"] == "B" and data["replies"][0]["unit"] == "相山区住房和城乡建设局"
    assert "孙磊" not in response.content.decode() and "0561-3012345" not in response.content.decode()
    assert [e["action"] for e in data["timeline"]][:2] == ["create", "submit"]
    cached = api(cast.deputy).get(f"/api/v1/suggestions/{s.pk}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert cached.status_code == 304
    for user in (cast.renwei_deputy, cast.renwei_staff):
        assert api(user).get(f"/api/v1/suggestions/{s.pk}").status_code == 404


# ---- writes: create, co-sign, evaluate (the pages' services) -------------------------------------


def new_body(cast, **extra):
    from tests.suggestions.helpers import session

    session()
    data = {"title": "关于改善东山路交通秩序的建议", "body": "东山路早晚高峰拥堵,建议增设信号灯。",
            "co_deputies": [cast.group_leader.deputy.pk], "submit": True}
    data.update(extra)
    return data


def test_it_creates_and_submits_a_suggestion_as_the_lead_deputy(api, cast):
    from suggestions.models import Suggestion

    client = api(cast.deputy)
    response = client.post("/api/v1/suggestions", new_body(cast), format="json")
    assert response.status_code == 201, response.content
    s = Suggestion.objects.get()
    assert s.lead_deputy == cast.deputy.deputy and s.state == State.SUBMITTED and s.consent_public
    assert response.json()["message"] == "建议已提交。" and response["Location"] == f"/api/v1/suggestions/{s.pk}"
    assert [c["name"] for c in response.json()["suggestion"]["co_signers"]] == ["张伟"]
    draft_response = client.post("/api/v1/suggestions", new_body(cast, submit=False, title="关于路灯的建议"),
                                 format="json")
    draft = draft_response.json()["suggestion"]
    assert draft["state"] == "draft" and "submit" in draft["actions"]
    done = client.post(f"/api/v1/suggestions/{draft['id']}/actions/submit")
    assert done.status_code == 200 and done.json()["message"] == "已提交,等待登记。"
    assert done.json()["suggestion"]["state"] == "submitted"


def test_it_refuses_a_suggestion_by_role_and_with_the_pages_messages(api, cast):
    from suggestions.models import Suggestion

    for user in (cast.leader, cast.zhujian):
        assert api(user).post("/api/v1/suggestions", new_body(cast), format="json").status_code == 403
    response = api(cast.deputy).post("/api/v1/suggestions", new_body(cast, title=""), format="json")
    assert response.status_code == 400 and response.json()["fields"]["title"] == ["这个字段是必填项。"]
    staff = api(cast.staff).post("/api/v1/suggestions", new_body(cast), format="json")
    assert staff.status_code == 400 and "lead_deputy_name" in staff.json()["fields"]  # whose suggestion?
    assert not Suggestion.objects.exists()
    done = api(cast.staff).post("/api/v1/suggestions", new_body(cast, lead_deputy=cast.deputy.deputy.pk,
                                                                paper_signed=[cast.group_leader.deputy.pk]),
                                format="json")
    assert done.status_code == 201, done.content
    s = Suggestion.objects.get()
    assert s.entered_by == cast.staff and s.cosigners.get().on_paper


def test_it_creates_a_suggestion_once_for_a_retried_post(api, cast):
    from suggestions.models import Suggestion

    client = api(cast.deputy)
    first = client.post("/api/v1/suggestions", new_body(cast), format="json", HTTP_IDEMPOTENCY_KEY="sg-1")
    again = client.post("/api/v1/suggestions", new_body(cast), format="json", HTTP_IDEMPOTENCY_KEY="sg-1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Suggestion.objects.count() == 1


def test_it_takes_a_co_signature_from_the_co_signer_only(api, cast):
    s = draft(cast)  # 刘芳 leads, 张伟 co-signs
    url = f"/api/v1/suggestions/{s.pk}/actions/cosign"
    assert "cosign" in api(cast.group_leader).get(f"/api/v1/suggestions/{s.pk}").json()["actions"]
    refused = api(cast.deputy).post(url)
    assert refused.status_code == 403 and refused.json()["message"] == "您无权对该建议执行“确认附议”。"
    assert api(cast.renwei_deputy).post(url).status_code == 404
    assert api(cast.zhujian).post(url).status_code == 403
    response = api(cast.group_leader).post(url, HTTP_IDEMPOTENCY_KEY="c-1")
    assert response.status_code == 200 and response.json()["message"] == "已确认附议。"
    assert api(cast.group_leader).post(url, HTTP_IDEMPOTENCY_KEY="c-1").json() == response.json()
    again = api(cast.group_leader).post(url)
    assert again.status_code == 409 and "已确认附议" in again.json()["message"]
    assert s.cosigners.get().confirmed_at is not None


def test_it_takes_the_lead_deputys_evaluation(api, cast):
    from suggestions.models import Evaluation

    s = make(cast, State.ANSWERED)
    url = f"/api/v1/suggestions/{s.pk}/actions/evaluate"
    assert api(cast.zhujian).post(url, {"work_rating": "satisfied", "result_rating": "satisfied"},
                                  format="json").status_code == 403
    assert api(cast.renwei_deputy).post(url, {"work_rating": "satisfied"}, format="json").status_code == 404
    bad = api(cast.deputy).post(url, {"work_rating": "great", "result_rating": "satisfied"}, format="json")
    assert bad.status_code == 400 and "work_rating" in bad.json()["fields"]
    assert "evaluate" in api(cast.deputy).get(f"/api/v1/suggestions/{s.pk}").json()["actions"]
    response = api(cast.deputy).post(url, {"work_rating": "satisfied", "result_rating": "basic", "comment": "好"},
                                     format="json")
    assert response.status_code == 200, response.content
    assert response.json()["message"] == "评价已提交,谢谢。" and response.json()["suggestion"]["state"] == "concluded"
    assert Evaluation.objects.get().work_rating == "satisfied"
    assert api(cast.deputy).post(url, {"work_rating": "satisfied", "result_rating": "basic"},
                                 format="json").status_code == 409
