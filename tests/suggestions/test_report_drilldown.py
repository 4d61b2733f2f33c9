"""The session report's drill-down: each figure, per session and per unit, lists exactly the suggestions
it counts (count == len(list)), and the report's new pages (print, .xlsx) keep the report's roles."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from suggestions import services
from suggestions.choices import Rating, State
from suggestions.selectors import FIGURE_LABELS, UNIT_FIGURES, session_report, unit_report
from tests.access import ViewAccessCases

from .helpers import make, reply_data, session

pytestmark = pytest.mark.django_db


def _mixed(cast):
    """A session with every kind of figure non-empty."""
    make(cast, State.CONCLUDED)  # 区住建局: B, 上门, 满意/基本满意, 跟踪
    again = make(cast, State.ANSWERED, title="关于增设路灯的建议")
    services.suggestion_evaluate(suggestion=again, actor=cast.deputy, work_rating=Rating.DISSATISFIED,
                                 result_rating=Rating.DISSATISFIED, comment="没有落实")
    services.suggestion_consult(suggestion=again, actor=cast.zhujian, form="none")
    services.suggestion_reply(suggestion=again, actor=cast.zhujian, data=reply_data("A"))
    services.suggestion_approve_reply(suggestion=again, actor=cast.staff)
    open_one = make(cast, State.ACCEPTED, co=[], title="关于治理河道污染的建议")
    services.suggestion_assign(suggestion=open_one, actor=cast.staff, lead_unit=cast.huanbao.unit)
    rejected = make(cast, State.REVIEWING, co=[], title="关于个人待遇的建议")
    services.suggestion_reject(suggestion=rejected, actor=cast.staff, ground="judicial")
    make(cast, State.SUBMITTED, co=[], title="关于尚未登记的建议")
    return session()


def _listed(client, sess, key, unit_id=None):
    params = {"session": sess.pk, "figure": key}
    if unit_id:
        params["figure_unit"] = unit_id
    response = client.get(reverse("suggestions:list"), params)
    assert response.status_code == 200 and not response.context["form"].errors
    return response.context["page_obj"].paginator.count


def test_every_session_figure_lists_exactly_what_it_counts(login, cast):
    sess = _mixed(cast)
    counts = session_report(sess)["counts"]
    assert set(counts) == set(FIGURE_LABELS)
    client = login(cast.staff)
    for key, n in counts.items():
        assert _listed(client, sess, key) == n, key
    # The figures are not trivially equal: the mix makes them differ.
    assert counts["total"] == 4 and counts["accepted"] == 3 and counts["not_accepted"] == 1
    assert counts["concluded"] == 1 and counts["rehandled"] == 1 and counts["first_work_rated"] == 2
    assert counts["first_work_good"] == 1 and counts["work_good"] == 1 and counts["met"] == 2


def test_every_unit_cell_lists_exactly_what_it_counts(login, cast):
    sess = _mixed(cast)
    units = unit_report(sess)
    assert [u["name"] for u in units] == ["淮北市相山区生态环境分局", "相山区住房和城乡建设局"]  # lowest 办结率 first
    client = login(cast.leader)
    for u in units:
        for key in UNIT_FIGURES:
            assert _listed(client, sess, key, u["unit_id"]) == u["counts"][key], (u["name"], key)
    zj = units[1]
    assert zj["counts"]["total"] == 2 and zj["counts"]["met"] == 2 and zj["counts"]["class_A"] == 1


def test_the_report_links_its_figures_to_the_list(login, cast):
    sess = _mixed(cast)
    body = login(cast.staff).get(reverse("suggestions:report", args=[sess.pk])).content.decode()
    assert f"?session={sess.pk}&amp;figure=concluded" in body
    assert f"figure=class_A&amp;figure_unit={cast.zhujian.unit.pk}" in body
    assert 'data-testid="figure-work_unrated"' in body


def test_a_figure_without_a_session_is_refused_with_a_message_and_filters_nothing(login, cast):
    _mixed(cast)
    response = login(cast.staff).get(reverse("suggestions:list"), {"figure": "concluded"})
    assert response.status_code == 200 and "figure" in response.context["form"].errors
    assert response.context["page_obj"].paginator.count == 5  # nothing filtered
    response = login(cast.staff).get(reverse("suggestions:list"),
                                     {"session": session().pk, "figure": "supervised",
                                      "figure_unit": cast.zhujian.unit.pk})
    assert "figure_unit" in response.context["form"].errors


def test_the_report_keeps_a_fixed_number_of_queries_as_rows_grow(login, cast, django_assert_num_queries):
    client = login(cast.staff)
    url = reverse("suggestions:report", args=[session().pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _mixed(cast)
    for i in range(4):
        make(cast, State.HANDLING, co=[], title=f"关于第{i}件事的建议")
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


# ---- print and .xlsx --------------------------------------------------------------------------

class TestPrintAccess(ViewAccessCases):
    allowed = ("staff", "leader", "admin")
    forbidden = ("dongshan_staff", "zhujian", "deputy", "group_leader")

    def url(self, cast):
        return reverse("suggestions:report_print", args=[session().pk])


class TestReportXlsxAccess(ViewAccessCases):
    allowed = ("staff", "leader", "admin")
    forbidden = ("dongshan_staff", "zhujian", "deputy", "group_leader")

    def url(self, cast):
        return reverse("suggestions:report_xlsx", args=[session().pk])


class TestListXlsxAccess(ViewAccessCases):
    allowed = ("staff", "leader", "admin", "zhujian", "deputy")

    def url(self, cast):
        return reverse("suggestions:list_xlsx")


def test_missing_session_is_404_for_print_and_xlsx(login, cast):
    for name in ("suggestions:report_print", "suggestions:report_xlsx"):
        assert login(cast.staff).get(reverse(name, args=[999999])).status_code == 404


def test_the_print_page_has_the_figures_without_links(login, cast):
    sess = _mixed(cast)
    body = login(cast.leader).get(reverse("suggestions:report_print", args=[sess.pk])).content.decode()
    assert 'data-testid="report-sheet"' in body and "淮北市相山区生态环境分局" in body
    assert "figure=" not in body and "<script>" not in body and "report_print.js" in body


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                    else response.content)).active


def test_the_report_figures_and_units_go_to_xlsx(login, cast):
    sess = _mixed(cast)
    client = login(cast.staff)
    ws = _sheet(client.get(reverse("suggestions:report_xlsx", args=[sess.pk])))
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert values["立案"] == 3 and values["办结"] == 1 and values["办结率"] == pytest.approx(1 / 3, abs=0.001)
    ws = _sheet(client.get(reverse("suggestions:report_xlsx", args=[sess.pk]), {"table": "units"}))
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["淮北市相山区生态环境分局", "相山区住房和城乡建设局"]
    assert rows[1][1] == 2 and rows[0][7] == 0  # 区住建局 2 in total; 生态环境分局 办结率 0%


def test_the_list_exports_its_current_filter_and_scope(login, cast):
    sess = _mixed(cast)
    ws = _sheet(login(cast.staff).get(reverse("suggestions:list_xlsx"), {"session": sess.pk, "figure": "accepted"}))
    titles = sorted(r[2] for r in ws.iter_rows(min_row=3, values_only=True))
    assert titles == sorted(["关于改善东山路交通秩序的建议", "关于增设路灯的建议", "关于治理河道污染的建议"])
    ws = _sheet(login(cast.zhujian).get(reverse("suggestions:list_xlsx"), {"session": sess.pk}))
    titles = [r[2] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert "关于增设路灯的建议" in titles and "关于治理河道污染的建议" not in titles  # the unit's scope only


# ---- home panel -------------------------------------------------------------------------------

def test_the_home_panel_shows_the_current_session_to_report_roles_only(login, cast):
    from suggestions.models import Session

    sess = _mixed(cast)
    Session.objects.create(name="2025年闭会期间", year=2027, kind="interim")  # not a congress session
    for name in ("leader", "staff", "admin"):
        body = login(getattr(cast, name)).get("/").content.decode()
        assert 'data-testid="suggestions-panel"' in body, name
        assert sess.name in body and reverse("suggestions:report", args=[sess.pk]) in body
        assert f"?session={sess.pk}&amp;figure=concluded" in body
    for name in ("zhujian", "deputy", "dongshan_staff"):
        assert 'data-testid="suggestions-panel"' not in login(getattr(cast, name)).get("/").content.decode(), name
