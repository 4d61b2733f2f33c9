"""The public disclosure page (公开): no login, an opaque token, only consented replies 20 working days
after the deputy received them, no contacts, constant queries, rate-limited."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions.choices import State

from .helpers import make

pytestmark = pytest.mark.django_db
LATER = datetime.datetime(2026, 12, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # 20 working days on


@pytest.fixture(autouse=True)
def _fresh_rate_counters(settings):
    # The suite's clock is frozen, so every test counts into the same minute: start from zero.
    import redis

    conn = redis.Redis.from_url(settings.REDIS_URL)
    for key in conn.scan_iter("xiangshan:ratelimit:*"):
        conn.delete(key)


def url(session):
    return reverse("suggestions:public_session", args=[session.public_token])


def test_it_shows_a_consented_reply_twenty_working_days_later_without_contacts(client, cast):
    s = make(cast, State.CONCLUDED)
    hidden = make(cast, State.CONCLUDED, consent_public=False, title="关于不公开事项的建议")
    response = client.get(url(s.session))
    assert response.status_code == 200 and "关于改善东山路交通秩序的建议" not in response.content.decode()
    with time_machine.travel(LATER, tick=False):
        page = client.get(url(s.session)).content.decode()
    assert s.display_number in page and "关于改善东山路交通秩序的建议" in page
    assert "刘芳" in page and "相山区住房和城乡建设局" in page and "2027年上半年增设信号灯两处" in page
    assert hidden.title not in page
    assert "0561-3012345" not in page and "孙磊" not in page  # the reply's contact is stripped


def test_it_answers_404_to_guessed_tokens_and_ids(client, cast):
    s = make(cast, State.CONCLUDED)
    for guess in (str(s.session.pk), s.session.public_token[:-1] + "x", s.public_token, "0"):
        assert client.get(reverse("suggestions:public_session", args=[guess])).status_code == 404


def test_it_needs_no_login_and_refuses_a_post(client, cast):
    s = make(cast, State.CONCLUDED)
    assert client.get(url(s.session)).status_code == 200
    assert client.post(url(s.session)).status_code == 405


def test_it_runs_a_constant_number_of_queries(client, cast):
    s = make(cast, State.CONCLUDED)
    page_url = url(s.session)
    with time_machine.travel(LATER, tick=False):
        with CaptureQueriesContext(connection) as one:
            client.get(page_url)
    for _ in range(3):
        make(cast, State.CONCLUDED)
    with time_machine.travel(LATER, tick=False):
        with CaptureQueriesContext(connection) as four:
            page = client.get(page_url).content.decode()
    assert page.count('data-testid="public-suggestion"') == 4
    assert len(four) == len(one) <= 5  # session, the count for the pages, the page, its units and replies


def test_it_limits_the_rate_per_client(client, cast, settings):
    s = make(cast, State.CONCLUDED)
    settings.PUBLIC_RATE_LIMIT = 3
    codes = [client.get(url(s.session), REMOTE_ADDR="203.0.113.9").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get(url(s.session), REMOTE_ADDR="203.0.113.10").status_code == 200


def test_it_shows_a_large_session_page_by_page_whatever_the_page_asked(client, cast, monkeypatch):
    monkeypatch.setattr("suggestions.views.PUBLIC_PAGE_SIZE", 2)
    s = make(cast, State.CONCLUDED)
    for _ in range(2):
        make(cast, State.CONCLUDED)
    with time_machine.travel(LATER, tick=False):
        first = client.get(url(s.session)).content.decode()
        second = client.get(url(s.session), {"page": "2"}).content.decode()
        odd = [client.get(url(s.session), {"page": p}) for p in ("abc", "999", "-1", "1\x00")]
    assert first.count('data-testid="public-suggestion"') == 2 and "共 3 件" in first and "第 1 / 2 页" in first
    assert 'href="?page=2"' in first
    assert second.count('data-testid="public-suggestion"') == 1 and 'href="?page=1"' in second
    assert all(r.status_code == 200 and 'data-testid="public-suggestion"' in r.content.decode() for r in odd)
