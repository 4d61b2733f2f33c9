"""The read pages of suggestions: the list (代表建议), the detail page and the session report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions.choices import State
from tests.access import ViewAccessCases

from .helpers import make, session

pytestmark = pytest.mark.django_db


def _numbers(response):
    return {s.pk for s in response.context["items"]}


# ---- list ----------------------------------------------------------------------------------------

class TestListAccess(ViewAccessCases):
    allowed = ("staff", "leader", "dongshan_staff", "zhujian", "deputy", "admin")

    def url(self, cast):
        return reverse("suggestions:list")


def test_the_list_shows_each_role_only_its_scope(login, cast):
    mine = make(cast, State.HANDLING, co=[cast.group_leader.deputy])  # 刘芳, co-signed by 张伟; 区住建局 + 生态环境分局
    other = make(cast, State.REGISTERED, user=cast.renwei_deputy, co=[], title="关于任圩街道路灯维修的建议")
    url = reverse("suggestions:list")
    assert _numbers(login(cast.staff).get(url)) == {mine.pk, other.pk}
    assert _numbers(login(cast.zhujian).get(url)) == {mine.pk}  # a unit: only those assigned to it
    assert _numbers(login(cast.deputy).get(url)) == {mine.pk}  # own
    assert _numbers(login(cast.group_leader).get(url)) == {mine.pk}  # co-signed
    response = login(cast.renwei_deputy).get(url)
    assert _numbers(response) == {other.pk}
    assert "东山路" not in response.content.decode()


def test_the_list_filters_by_session_state_unit_and_title_or_number(login, cast):
    a = make(cast, State.HANDLING)  # lead unit 区住建局
    b = make(cast, State.REGISTERED, title="关于增设社区养老服务站的建议")
    later = session("区人大十二届二次会议", year=2027)
    c = make(cast, State.REGISTERED, sess=later, title="关于整治背街小巷的建议")
    client = login(cast.staff)
    url = reverse("suggestions:list")
    assert _numbers(client.get(url, {"session": later.pk})) == {c.pk}
    assert _numbers(client.get(url, {"state": State.HANDLING})) == {a.pk}
    assert _numbers(client.get(url, {"unit": cast.zhujian.unit.pk})) == {a.pk}
    assert _numbers(client.get(url, {"unit": cast.huanbao.unit.pk})) == set()  # a co-unit is not 主办
    assert _numbers(client.get(url, {"q": "养老"})) == {b.pk}
    assert _numbers(client.get(url, {"q": f"第{b.number:04d}号", "session": b.session_id})) == {b.pk}


def test_bad_filters_are_a_message_not_a_500_and_are_kept(login, cast):
    a = make(cast, State.REGISTERED)
    response = login(cast.staff).get(reverse("suggestions:list"), {"session": "abc", "q": "东山路\x00"})
    assert response.status_code == 200
    assert _numbers(response) == {a.pk}  # an invalid filter filters nothing
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body and "会议" in body


def test_the_list_runs_a_fixed_number_of_queries_and_is_paginated(login, cast):
    client = login(cast.staff)
    url = reverse("suggestions:list")
    client.get(url)  # warm the session
    make(cast, State.HANDLING)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            assert response.status_code == 200
        return len(ctx.captured_queries), response

    few, _r = count()
    for i in range(34):
        make(cast, State.HANDLING if i % 2 else State.REGISTERED, co=[], title=f"关于第{i}件事的建议")
    many, response = count()
    assert many == few
    assert len(response.context["items"]) == 30 and response.context["page_obj"].paginator.count == 35
    assert len(client.get(url, {"page": 2}).context["items"]) == 5


def test_the_nav_offers_suggestions_to_those_who_may_see_them(login, cast):
    for name in ("staff", "leader", "zhujian", "deputy", "dongshan_staff"):
        body = login(getattr(cast, name)).get(reverse("home")).content.decode()
        assert f'href="{reverse("suggestions:list")}"' in body and "代表建议" in body


# ---- detail --------------------------------------------------------------------------------------

class TestDetailAccess(ViewAccessCases):
    allowed = ("staff", "leader", "dongshan_staff", "zhujian", "huanbao", "deputy", "group_leader")
    out_of_scope = ("renwei_staff", "renwei_deputy")

    def url(self, cast):
        return reverse("suggestions:detail", args=[make(cast, State.HANDLING).pk])


def test_the_detail_shows_cosigners_units_consultation_reply_evaluation_and_timeline(login, cast):
    s = make(cast, State.CONCLUDED, confirmed=True)
    body = login(cast.deputy).get(reverse("suggestions:detail", args=[s.pk])).content.decode()
    assert s.title in body and s.display_number in body
    assert "张伟" in body and "已确认" in body  # the co-signer, confirmed in the product
    assert "相山区住房和城乡建设局" in body and "淮北市相山区生态环境分局" in body and "同意主办单位意见。" in body
    assert "上门" in body and "一把手" in body  # 面商
    assert "相住建〔2026〕12号" in body and "2027年上半年增设信号灯两处。" in body and "B 正在解决或列入计划" in body
    assert "基本满意" in body  # the evaluation
    for label in ("提交", "登记", "立案", "交办", "记录面商", "答复", "审核通过", "评价"):
        assert f'<span class="fw-semibold">{label}</span>' in body, label


def test_contacts_and_personal_data_only_to_staff(login, cast):
    s = make(cast, State.ANSWERED)
    url = reverse("suggestions:detail", args=[s.pk])
    staff = login(cast.staff).get(url).content.decode()
    assert "0561-3012345" in staff and "13805612345" in staff and "王局长" in staff
    for name in ("deputy", "zhujian", "leader"):
        body = login(getattr(cast, name)).get(url).content.decode()
        assert "0561-3012345" not in body and "13805612345" not in body, name
        assert 'data-testid="reply-contact"' not in body


# ---- session report ------------------------------------------------------------------------------

class TestReportAccess(ViewAccessCases):
    allowed = ("staff", "leader", "admin")
    forbidden = ("dongshan_staff", "zhujian", "deputy", "group_leader")

    def url(self, cast):
        return reverse("suggestions:report", args=[session().pk])


def _report_data(cast):
    from suggestions import services

    done = make(cast, State.CONCLUDED)  # 区住建局: 立案, answered, 办结, B, 上门, 满意/基本满意
    s = make(cast, State.ACCEPTED, co=[], title="关于治理河道污染的建议")
    services.suggestion_assign(suggestion=s, actor=cast.staff, lead_unit=cast.huanbao.unit)  # 生态环境分局, open
    rejected = make(cast, State.REVIEWING, co=[], title="关于个人待遇的建议")
    services.suggestion_reject(suggestion=rejected, actor=cast.staff, ground="judicial")
    return done


def _figure(body, key):
    import re

    found = re.search(rf'data-testid="figure-{key}".*?fw-semibold">(.*?)</div>', body, re.S).group(1)
    return re.sub(r"<[^>]+>", "", found)  # a count is a drill-down link


def test_the_report_shows_the_session_figures_and_units_lowest_first(login, cast):
    _report_data(cast)
    response = login(cast.leader).get(reverse("suggestions:report", args=[session().pk]))
    units = response.context["units"]
    assert [u["name"] for u in units] == ["淮北市相山区生态环境分局", "相山区住房和城乡建设局"]  # 0% before 100%
    hb, zj = units
    assert (hb["total"], hb["accepted"], hb["answered"], hb["concluded"], hb["completion_rate"]) == (1, 1, 0, 0, 0.0)
    assert (zj["total"], zj["accepted"], zj["answered"], zj["concluded"], zj["completion_rate"]) == (1, 1, 1, 1, 100.0)
    assert dict(zj["classes"])["B"] == 1 and zj["meeting_rate"] == 100.0
    assert zj["work_satisfaction_rate"] == 100.0 and zj["result_satisfaction_rate"] == 100.0
    assert zj["on_time_rate"] == 100.0 and hb["on_time_rate"] is None
    body = response.content.decode()
    assert _figure(body, "not_accepted") == "1" and _figure(body, "accepted") == "2"
    assert _figure(body, "completion_rate") == "50.0%"  # 1 of 2 立案 办结
    assert _figure(body, "meeting_rate") == "100.0%"
    assert body.index("淮北市相山区生态环境分局") < body.index("相山区住房和城乡建设局")


def test_the_report_runs_a_fixed_number_of_queries(login, cast):
    client = login(cast.staff)
    url = reverse("suggestions:report", args=[session().pk])
    client.get(url)  # warm the session

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    empty = count()
    _report_data(cast)
    for i in range(5):
        make(cast, State.HANDLING, co=[], title=f"关于第{i}件事的建议")
    assert count() == empty


def test_the_list_links_staff_to_the_session_report(login, cast):
    sess = session()
    make(cast, State.REGISTERED)
    report = reverse("suggestions:report", args=[sess.pk])
    assert report in login(cast.staff).get(reverse("suggestions:list"), {"session": sess.pk}).content.decode()
    assert report not in login(cast.zhujian).get(reverse("suggestions:list"), {"session": sess.pk}).content.decode()


def test_the_detail_runs_a_fixed_number_of_queries_whatever_its_history(login, cast):
    from suggestions import services

    client = login(cast.staff)
    s = make(cast, State.REGISTERED, confirmed=True)
    url = reverse("suggestions:detail", args=[s.pk])
    client.get(url)  # warm the session

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    s = services.suggestion_start_review(suggestion=s, actor=cast.staff)
    s = services.suggestion_accept(suggestion=s, actor=cast.staff)
    services.suggestion_assign(suggestion=s, actor=cast.staff, lead_unit=cast.zhujian.unit,
                               co_units=[cast.huanbao.unit])
    assert count() == few


def test_an_unknown_session_report_is_404(login, cast):
    assert login(cast.staff).get(reverse("suggestions:report", args=[999999])).status_code == 404
