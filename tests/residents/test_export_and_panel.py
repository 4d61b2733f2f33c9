"""The 群众来信 export (.xlsx: the list's scope and filters, masked unless asked for in full by someone who
may, logged, cells made safe) and the home panel (this year's figures of the user's scope, each number a
link to exactly those reports)."""

import datetime
import io
from urllib.parse import urlparse

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import SecurityEvent
from residents import services
from residents.models import Report
from residents.panels import residents_panel
from tests.access import ViewAccessCases

from .test_figures import _renwei_code, _station
from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db


def _cells(response) -> list[list]:
    data = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


class TestExportAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "admin")
    forbidden = ("deputy", "group_leader", "zhujian", "leader")

    def url(self, cast):
        make_report(_code(cast))
        return reverse("residents:export")


def test_it_exports_masked_unless_a_permitted_exporter_asks_for_full(login, cast):
    make_report(_code(cast), phone="13912345678")
    staff = login(cast.staff)
    page = staff.get(reverse("residents:list")).content.decode()
    assert 'data-testid="export-form"' in page and "导出完整姓名和电话" in page
    masked = _cells(staff.get(reverse("residents:export")))
    flat = [c for row in masked for c in row if c]
    assert "139****5678" in flat and "王**" in flat and "13912345678" not in flat and "王大妈" not in flat
    full = [c for row in _cells(staff.get(reverse("residents:export"), {"full": "1"})) for c in row if c]
    assert "13912345678" in full and "王大妈" in full
    flags = list(SecurityEvent.objects.filter(kind="export", user=cast.staff).order_by("pk")
                 .values_list("detail__full_personal_data", flat=True))
    assert flags == [False, True]
    # Area staff may export their area, never in full, whatever they send.
    area = login(cast.dongshan_staff)
    assert "导出完整姓名和电话" not in area.get(reverse("residents:list")).content.decode()
    cells = [c for row in _cells(area.get(reverse("residents:export"), {"full": "1"})) for c in row if c]
    assert "139****5678" in cells and "13912345678" not in cells
    assert SecurityEvent.objects.filter(kind="export", user=cast.dongshan_staff).get().detail[
        "full_personal_data"] is False


def test_it_exports_the_lists_scope_and_filters(login, cast):
    mine = make_report(_code(cast), text="东山的来信一")
    make_report(_code(cast), state="accepted", text="东山的来信二")
    make_report(_renwei_code(cast), text="任圩的来信")
    make_report(_code(cast), state="pending", text="未验证的来信")
    area = login(cast.dongshan_staff)
    texts = [row[6] for row in _cells(area.get(reverse("residents:export")))[1:]]
    assert sorted(texts) == ["东山的来信一", "东山的来信二"]  # the area's, counted ones only
    rows = _cells(area.get(reverse("residents:export"), {"state": "submitted"}))
    assert [r[0] for r in rows[1:]] == [mine.receipt_no]
    district = [row[6] for row in _cells(login(cast.staff).get(reverse("residents:export")))[1:]]
    assert "任圩的来信" in district and len(district) == 3


def test_it_writes_formulas_as_text_and_drops_control_characters(login, cast):
    make_report(_code(cast), text="=HYPERLINK(\"http://x\",\"点我\")\x07", phone="13912345678")
    data = b"".join(login(cast.staff).get(reverse("residents:export")).streaming_content)
    ws = load_workbook(io.BytesIO(data)).active
    cell = ws.cell(row=2, column=7)
    assert cell.value == "=HYPERLINK(\"http://x\",\"点我\")" and cell.data_type == "s" and cell.quotePrefix


def test_a_too_long_export_is_refused_with_a_message(login, cast, settings):
    settings.JOB_EXPORT_ROWS = 1
    make_report(_code(cast))
    make_report(_code(cast))
    response = login(cast.staff).get(reverse("residents:export"), {"state": "submitted", "full": "1"}, follow=True)
    assert "导出行数超过 1 行" in response.content.decode()
    assert not SecurityEvent.objects.filter(kind="export").exists()


# ---------------------------------------------------------------------------------------------
# The home panel


def _year_reports(cast):
    """This year, 刘芳's code: one rated 满意 on time, one unrated and closed by the job, one still open;
    the station in 东山 one closed 基本满意; 任圩 one refused; last year one more of 刘芳's."""
    now = timezone.now()
    today = timezone.localdate()
    make_report(_code(cast), state="closed", accept_due=today, accepted_at=now, satisfaction="satisfied")
    make_report(_code(cast), state="closed", accept_due=today, accepted_at=now, satisfaction="unrated")
    make_report(_code(cast), accept_due=today)
    make_report(_station(cast), state="closed", accept_due=today, accepted_at=now, satisfaction="basic")
    make_report(_renwei_code(cast), state="rejected", accept_due=today, accepted_at=now)
    old = make_report(_code(cast), state="closed", satisfaction="satisfied")
    Report.objects.filter(pk=old.pk).update(submitted_at=now - datetime.timedelta(days=400))


def _panel_links(page: str) -> dict:
    import re

    return {m.group(2): m.group(1).replace("&amp;", "&")
            for m in re.finditer(r'href="([^"]+)" data-testid="panel-(\w+)"', page)}


def test_the_panel_shows_this_years_figures_of_the_users_scope(login, cast, rf):
    _year_reports(cast)
    request = rf.get("/")
    request.user = cast.staff
    f = residents_panel(request)["figures"]
    assert (f["received"], f["on_time"], f["closed"], f["pleased"], f["rated"], f["unrated"]) == (5, 4, 4, 2, 2, 1)
    request.user = cast.dongshan_staff
    f = residents_panel(request)["figures"]
    assert (f["received"], f["closed"], f["pleased"]) == (4, 3, 2)
    request.user = cast.deputy  # 刘芳: her own code only, not the station
    f = residents_panel(request)["figures"]
    assert (f["received"], f["on_time"], f["closed"], f["pleased"], f["unrated"]) == (3, 2, 2, 1, 1)
    assert f["satisfaction_rate"] == 100
    request.user = cast.zhujian
    assert residents_panel(request) is None


@pytest.mark.parametrize("persona", ["staff", "dongshan_staff", "deputy"])
def test_each_number_links_to_exactly_those_reports(login, cast, persona):
    _year_reports(cast)
    client = login(getattr(cast, persona))
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="residents-panel"' in home
    links = _panel_links(home)
    assert set(links) == {"received", "on_time", "closed", "pleased", "unrated"}
    request_user = getattr(cast, persona)
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = request_user
    figures = residents_panel(request)["figures"]
    for key, url in links.items():
        assert urlparse(url).path == reverse("residents:list")
        page = client.get(url).content.decode()
        assert page.count('data-testid="report-row"') == figures[key], (persona, key)


def test_leaders_see_the_numbers_without_links(login, cast):
    _year_reports(cast)
    home = login(cast.leader).get(reverse("home")).content.decode()
    assert 'data-testid="residents-panel"' in home and not _panel_links(home)
    assert 'data-testid="panel-received"' in home


def test_no_panel_without_reports_this_year(login, cast):
    assert 'data-testid="residents-panel"' not in login(cast.staff).get(reverse("home")).content.decode()


def test_the_panel_costs_one_query_whatever_the_number_of_reports(cast, rf, django_assert_num_queries):
    request = rf.get("/")
    for user in (cast.staff, cast.deputy):
        request.user = user
        _year_reports(cast)
        # The user's roles and deputy row: loaded once per request already (the navigation reads them).
        user.roles, user.deputy_profile  # noqa: B018
        with django_assert_num_queries(1):
            residents_panel(request)
        _year_reports(cast)
        _year_reports(cast)
        with django_assert_num_queries(1):
            assert residents_panel(request)["figures"]["received"] >= 9


def test_the_home_page_keeps_its_query_budget_as_reports_grow(login, cast, django_assert_max_num_queries):
    client = login(cast.deputy)
    _year_reports(cast)
    client.get(reverse("home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(5):
        _year_reports(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_an_unrated_report_counts_on_the_panel_apart(login, cast):
    with time_machine.travel(f"{timezone.localdate().year}-01-02 10:00 +0800"):
        report = services.report_answer(report=make_report(_code(cast)), actor=cast.deputy, reply="已处理。")
    services.reports_close_unrated(today=report.closed_at.date() + datetime.timedelta(days=30))
    home = login(cast.deputy).get(reverse("home")).content.decode()
    assert 'data-testid="panel-unrated"' in home
