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


def test_the_confirmation_keeps_its_query_budget(client, codes, sms, django_assert_num_queries):
    from core import workdays
    from residents.models import Report

    client.post(f"/q/{codes['deputy'].token}/", report_data())
    report = Report.objects.get()
    workdays.entered()  # the holiday calendar, read once per process (core.workdays)
    # The report with its code, deputy and account; under lock; its update and event; the deputy's
    # notification preferences and roster number; the notification and its deliveries (no savepoint);
    # the two of the test's transaction. The receipt SMS is queued after commit, not sent here.
    with django_assert_num_queries(10):
        ok = client.post(f"/q/s/{report.status_token}/verify/", {"code": sms.last_code("13912345678")})
    assert ok["Location"] == f"/q/s/{report.status_token}/?new=1"
    assert Report.objects.get().state == "submitted" and len(sms.messages) == 1


def test_the_prepared_lookups_give_what_their_querysets_give(codes, django_assert_num_queries):
    from residents import services
    from residents.models import Report, ResidentCode

    for code in codes.values():
        expected = services.codes_with_usable().select_related("deputy", "home", "area").get(token=code.token)
        with django_assert_num_queries(1):
            found = services.code_by_token(code.token)
            assert found.target_name == expected.target_name and found.area.name == expected.area.name
            assert found.deputy_in_office is expected.deputy_in_office and services.code_usable(found)
        assert {f.attname: getattr(found, f.attname) for f in ResidentCode._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in ResidentCode._meta.concrete_fields}
    assert services.code_by_token("no-such-token") is None
    ResidentCode.objects.filter(pk=codes["deputy"].pk).update(is_active=False)
    assert services.code_usable(services.code_by_token(codes["deputy"].token)) is False  # revoked: at once

    report = Report.objects.create(code=codes["deputy"], area=codes["deputy"].area, category="urban",
                                   text="小区门口路灯坏了两个月。", phone="13912345678")
    with django_assert_num_queries(1):
        found = services.report_by_token(report.status_token)
        assert found.pk == report.pk and found.code.deputy.name == "刘芳"
        assert found.code.deputy.user_id == codes["deputy"].deputy.user_id and found.code.deputy.user is not None
    assert services.report_by_token("no-such-token") is None


def test_a_prepared_query_refuses_a_value_that_is_not_a_plain_parameter(db):
    from core.queries import Prepared
    from residents.models import ResidentCode

    with pytest.raises(ValueError, match="token"):
        Prepared(lambda token: ResidentCode.objects.filter(token__icontains=token), "token").first(token="x")
