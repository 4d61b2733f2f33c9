"""The intake's per-request costs stay cut (issue 13's burst of 50 residents): the QR page in one query,
the empty form rendered once per process, the limits in one Redis round trip that still stops counting at
the first check refused."""

import pytest
import redis
from django.conf import settings

from residents import limits

from .conftest import report_data

pytestmark = pytest.mark.django_db


def test_the_qr_page_costs_one_query(client, codes, django_assert_num_queries):
    url = f"/q/{codes['deputy'].token}/"
    client.get(url)
    with django_assert_num_queries(1):
        page = client.get(url)
    assert page.status_code == 200 and 'data-testid="privacy-notice"' in page.content.decode()


def test_a_refused_form_is_rendered_with_what_was_typed_not_the_cached_one(client, codes):
    url = f"/q/{codes['deputy'].token}/"
    client.get(url)  # the empty form, now cached
    page = client.post(url, report_data(phone="123", address="周庄社区5号楼")).content.decode()
    assert "周庄社区5号楼" in page and "请填写 11 位手机号码" in page
    assert "周庄社区5号楼" not in client.get(url).content.decode()


def test_the_submission_keeps_its_query_budget(client, codes, sms, django_assert_max_num_queries):
    url = f"/q/{codes['deputy'].token}/"
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.post(url, report_data()).status_code == 302


def test_several_checks_in_one_round_trip_stop_at_the_first_refused():
    conn = redis.Redis.from_url(settings.REDIS_URL)
    rules = [(1, 3600)]
    assert limits.hit_many([("ip", "10.1.1.1", rules), ("phone", "13900000001", rules)]) is None
    # The IP is now over its limit: the number behind it is not counted again.
    assert limits.hit_many([("ip", "10.1.1.1", rules), ("phone", "13900000001", rules)]) == 0
    phone_keys = list(conn.scan_iter("xiangshan:residents:phone:3600:13900000001:*"))
    assert [int(conn.get(k)) for k in phone_keys] == [1]
    assert limits.hit_many([("ip", "10.1.1.2", rules), ("phone", "13900000001", rules)]) == 1
    assert limits.hit("ip", "10.1.1.3", rules) is False and limits.hit("ip", "10.1.1.3", rules) is True
