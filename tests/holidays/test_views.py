"""The 节假日安排 pages: access, adding/changing/deleting entries, refusals that keep what was typed and
change nothing, the history, fixed query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from core.workdays import is_workday
from holidays.choices import EntryKind
from holidays.models import CalendarEntry
from tests.access import ViewAccessCases

from .helpers import enter, enter_2027

pytestmark = pytest.mark.django_db

FORBIDDEN = ("dongshan_staff", "zhujian", "deputy", "group_leader", "leader")


def first_entry(cast):
    existing = CalendarEntry.objects.filter(year=2027, name="元旦").first()
    return existing or enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3))


class TestYears(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = FORBIDDEN

    def url(self, cast):
        return reverse("holidays:years")


class TestYear(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = FORBIDDEN

    def url(self, cast):
        return reverse("holidays:year", args=[2027])


class TestEntryCreate(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = FORBIDDEN

    def url(self, cast):
        return reverse("holidays:entry_create", args=[2027])

    def data(self, cast):
        return {"kind": "holiday", "name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}


class TestEntryEdit(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = FORBIDDEN

    def url(self, cast):
        return reverse("holidays:entry_edit", args=[first_entry(cast).pk])


class TestEntryDelete(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = FORBIDDEN

    def url(self, cast):
        return reverse("holidays:entry_delete", args=[first_entry(cast).pk])


def test_it_answers_404_for_an_entry_that_does_not_exist(login, cast):
    assert login(cast.staff).get(reverse("holidays:entry_edit", args=[999999])).status_code == 404
    assert login(cast.staff).post(reverse("holidays:entry_delete", args=[999999])).status_code == 404
    assert login(cast.staff).get(reverse("holidays:year", args=[1900])).status_code == 404


def test_it_adds_a_holiday_and_2027_01_01_stops_being_a_working_day(login, cast):
    assert is_workday(dt.date(2027, 1, 1))
    response = login(cast.staff).post(reverse("holidays:entry_create", args=[2027]), {
        "kind": "holiday", "name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}, follow=True)
    assert response.status_code == 200
    entry = CalendarEntry.objects.get()
    assert (entry.year, entry.name, entry.start, entry.end, entry.updated_by) == (
        2027, "元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3), cast.staff)
    assert not is_workday(dt.date(2027, 1, 1))
    assert "已添加" in response.content.decode()


def test_it_takes_a_one_day_adjusted_working_saturday_without_an_end_date(login, cast):
    login(cast.staff).post(reverse("holidays:entry_create", args=[2027]), {
        "kind": "workday", "name": "春节调休", "start": "2027-02-20", "end": ""})
    entry = CalendarEntry.objects.get()
    assert entry.end == entry.start == dt.date(2027, 2, 20)
    assert is_workday(dt.date(2027, 2, 20))


@pytest.mark.parametrize("data,message", [
    ({"kind": "holiday", "name": "元旦", "start": "2027-01-03", "end": "2027-01-01"},
     "结束日期 2027-01-01 早于开始日期 2027-01-03"),
    ({"kind": "holiday", "name": "春节", "start": "2028-02-01", "end": "2028-02-03"}, "日期不属于 2027 年的安排"),
    ({"kind": "holiday", "name": "元旦加长", "start": "2027-01-02", "end": "2027-01-04"},
     "与节假日“元旦”(2027-01-01 至 2027-01-03)的日期重叠"),
    ({"kind": "workday", "name": "调休", "start": "2027-01-02", "end": ""}, "调休上班日落在节假日“元旦”"),
    ({"kind": "workday", "name": "调休", "start": "2027-01-06", "end": ""}, "2027-01-06 是星期三,本来就是工作日"),
    ({"kind": "holiday", "name": "", "start": "2027-05-01", "end": "2027-05-05"}, "请填写名称"),
    ({"kind": "holiday", "name": "劳动节", "start": "2027-13-01", "end": ""}, "请填写有效的日期"),
    ({"kind": "holiday", "name": "劳动节", "start": "2027-05-01", "end": "2027-06-30"}, "超过 15 天"),
])
def test_it_refuses_bad_input_keeps_what_was_typed_and_changes_nothing(login, cast, data, message):
    first_entry(cast)
    before = list(CalendarEntry.objects.values_list("pk", "name", "start", "end"))
    response = login(cast.staff).post(reverse("holidays:entry_create", args=[2027]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    for key in ("name", "start", "end"):
        if data[key]:
            assert f'value="{data[key]}"' in html, f"{key} not kept"
    assert f'<option value="{data["kind"]}" selected>' in html
    assert list(CalendarEntry.objects.values_list("pk", "name", "start", "end")) == before


def test_it_refuses_a_holiday_that_covers_an_adjusted_working_day(login, cast):
    enter(cast, 2027, EntryKind.WORKDAY, "春节调休", dt.date(2027, 2, 20))
    response = login(cast.staff).post(reverse("holidays:entry_create", args=[2027]), {
        "kind": "holiday", "name": "春节", "start": "2027-02-15", "end": "2027-02-21"})
    assert response.status_code == 400
    assert "节假日包含已登记的调休上班日“春节调休”(2027-02-20)" in response.content.decode()
    assert CalendarEntry.objects.count() == 1


def test_it_changes_an_entry_and_keeps_the_history(login, cast):
    entry = first_entry(cast)
    client = login(cast.admin)
    response = client.post(reverse("holidays:entry_edit", args=[entry.pk]), {
        "kind": "holiday", "name": "元旦", "start": "2027-01-01", "end": "2027-01-01"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.end == dt.date(2027, 1, 1) and entry.updated_by == cast.admin
    assert is_workday(dt.date(2027, 1, 2)) is False  # a Saturday
    assert is_workday(dt.date(2027, 1, 1)) is False
    history = list(entry.history.order_by("history_date").values_list("history_type", "history_user_id", "end"))
    assert history == [("+", cast.staff.pk, dt.date(2027, 1, 3)), ("~", cast.admin.pk, dt.date(2027, 1, 1))]
    page = client.get(reverse("holidays:year", args=[2027])).content.decode()
    assert "修改为" in page and "系统管理员" in page


def test_a_refused_change_keeps_what_was_typed(login, cast):
    entry = first_entry(cast)
    response = login(cast.staff).post(reverse("holidays:entry_edit", args=[entry.pk]), {
        "kind": "holiday", "name": "元旦假期", "start": "2027-01-05", "end": "2027-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "早于开始日期" in html and 'value="元旦假期"' in html and 'value="2027-01-05"' in html
    entry.refresh_from_db()
    assert (entry.name, entry.start, entry.end) == ("元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3))


def test_it_deletes_an_entry_and_records_who(login, cast):
    entry = first_entry(cast)
    response = login(cast.staff).post(reverse("holidays:entry_delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not CalendarEntry.objects.exists()
    assert is_workday(dt.date(2027, 1, 1))
    assert CalendarEntry.history.filter(id=entry.pk, history_type="-", history_user=cast.staff).exists()


def test_it_lists_the_years_with_where_their_days_come_from(login, cast):
    enter_2027(cast)
    html = login(cast.staff).get(reverse("holidays:years")).content.decode()
    assert 'data-year="2027"' in html and 'data-year="2026"' in html
    assert "节假日 2 项,调休上班 1 项" in html
    assert "使用内置安排" in html


def test_it_opens_another_year_or_says_why_not(login, cast):
    client = login(cast.staff)
    response = client.get(reverse("holidays:years"), {"year": "2028"})
    assert response.status_code == 302 and response["Location"] == reverse("holidays:year", args=[2028])
    response = client.get(reverse("holidays:years"), {"year": "abc"})
    assert response.status_code == 200 and "年份应是四位数字" in response.content.decode()


def test_it_shows_a_year_in_a_fixed_number_of_queries(login, cast, django_assert_max_num_queries):
    client = login(cast.staff)
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1))
    client.get(reverse("holidays:year", args=[2027]))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("holidays:year", args=[2027]))
    queries = len(small.captured_queries)  # before the next request resets the log
    enter(cast, 2027, EntryKind.HOLIDAY, "春节", dt.date(2027, 2, 6), dt.date(2027, 2, 12))
    enter(cast, 2027, EntryKind.WORKDAY, "春节调休", dt.date(2027, 2, 20))
    enter(cast, 2027, EntryKind.HOLIDAY, "国庆节", dt.date(2027, 10, 1), dt.date(2027, 10, 7))
    client.get(reverse("holidays:year", args=[2027]))
    with django_assert_max_num_queries(queries):
        response = client.get(reverse("holidays:year", args=[2027]))
    assert response.content.decode().count("data-entry=") == 4


def test_it_lists_the_years_in_a_fixed_number_of_queries(login, cast, django_assert_max_num_queries):
    client = login(cast.staff)
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1))
    client.get(reverse("holidays:years"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("holidays:years"))
    queries = len(small.captured_queries)  # before the next request resets the log
    for year in (2028, 2029, 2030):
        enter(cast, year, EntryKind.HOLIDAY, "元旦", dt.date(year, 1, 1))
    client.get(reverse("holidays:years"))
    with django_assert_max_num_queries(queries):
        response = client.get(reverse("holidays:years"))
    assert 'data-year="2030"' in response.content.decode()


def test_it_shows_the_package_schedule_of_a_year_not_entered(login, cast):
    html = login(cast.staff).get(reverse("holidays:year", args=[2026])).content.decode()
    assert "使用内置安排" in html and "春节 02-15–02-23" in html
