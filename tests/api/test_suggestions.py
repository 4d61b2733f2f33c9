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
