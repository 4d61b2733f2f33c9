"""Notifications over the API: my inbox only (and my unit's), marked read one by one or all at once."""

import pytest

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def note(key, recipient, title="新的待办"):
    notify(key=key, kind="test", recipients=[recipient], title=title, body="请查看。")
    return Notification.objects.get(key__startswith=key)


def test_it_lists_my_inbox_newest_first_in_constant_queries(api, anon, cast, django_assert_max_num_queries):
    mine = [note(f"n{i}", cast.deputy, title=f"通知{i}") for i in range(3)]
    note("other", cast.renwei_deputy)
    unit = note("unit", cast.zhujian.unit)
    assert anon.get("/api/v1/notifications").status_code == 401
    client = api(cast.deputy)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/notifications").json()
    assert [n["id"] for n in body["results"]] == [n.pk for n in reversed(mine)]
    assert set(body["results"][0]) == {"id", "kind", "title", "body", "url", "created_at", "read_at", "read"}
    assert [n["id"] for n in api(cast.zhujian).get("/api/v1/notifications").json()["results"]] == [unit.pk]
    for i in range(10):
        note(f"more{i}", cast.deputy)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/notifications", {"page_size": 50}).json()["results"]) == 13


def test_it_marks_one_of_mine_read_and_hides_others(api, cast):
    mine, theirs = note("a", cast.deputy), note("b", cast.renwei_deputy)
    client = api(cast.deputy)
    response = client.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/api/v1/notifications/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    assert client.get("/api/v1/notifications", {"unread": "1"}).json()["results"] == []
    assert client.get("/api/v1/me").json()["unread_notifications"] == 0


def test_it_marks_all_or_the_listed_ones_read(api, cast):
    a, b, c = (note(k, cast.deputy) for k in "abc")
    theirs = note("t", cast.renwei_deputy)
    client = api(cast.deputy)
    assert client.post("/api/v1/notifications/read", {"ids": [a.pk, theirs.pk]}, format="json").json() == {"marked": 1}
    assert client.post("/api/v1/notifications/read", {}, format="json").json() == {"marked": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    bad = client.post("/api/v1/notifications/read", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "ids" in bad.json()["fields"]
