"""The home-page warning (from 1 November, next year has no schedule) and the item page's marker on a due
date counted Monday–Friday (暂按周一至周五计算)."""

import datetime as dt

import pytest
from django.urls import reverse

from holidays.choices import EntryKind
from petitions.choices import State
from tests.petitions.helpers import make

from .helpers import enter, enter_2027

pytestmark = pytest.mark.django_db


def home(login, user):
    return login(user).get(reverse("home")).content.decode()


def test_it_warns_district_staff_and_admin_from_november_when_next_year_is_unknown(login, cast):
    # The suite's clock: 26 November 2026; the package stops at 2026 and nobody entered 2027.
    for user in (cast.staff, cast.admin):
        html = home(login, user)
        assert 'data-testid="calendar-warning"' in html
        assert "2027 年的节假日安排尚未录入" in html
        assert reverse("holidays:year", args=[2027]) in html


def test_it_does_not_warn_the_others(login, cast):
    for user in (cast.dongshan_staff, cast.zhujian, cast.deputy, cast.leader):
        assert 'data-testid="calendar-warning"' not in home(login, user)


def test_it_does_not_warn_before_november(login, cast, time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 31, 9, 0))
    assert 'data-testid="calendar-warning"' not in home(login, cast.staff)
    time_machine.move_to(dt.datetime(2026, 11, 1, 9, 0))
    assert 'data-testid="calendar-warning"' in home(login, cast.staff)


def test_it_does_not_warn_once_next_year_is_entered(login, cast):
    enter_2027(cast)
    assert 'data-testid="calendar-warning"' not in home(login, cast.staff)


def test_it_does_not_warn_when_the_package_knows_next_year(login, cast, time_machine):
    time_machine.move_to(dt.datetime(2025, 11, 20, 9, 0))
    assert 'data-testid="calendar-warning"' not in home(login, cast.staff)


def test_it_marks_a_due_date_in_an_unknown_year_on_the_item_page(login, cast, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 21, 10, 0))
    item = make(cast, State.HANDLING)
    assert item.stage_due.year == 2027
    html = login(cast.staff).get(reverse("petitions:detail", args=[item.pk])).content.decode()
    # Next to 本环节截止 and next to the assignment's due date in 交办情况.
    assert html.count("暂按周一至周五计算") == 3  # stage, lead unit, co-unit
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3))
    html = login(cast.staff).get(reverse("petitions:detail", args=[item.pk])).content.decode()
    assert "暂按周一至周五计算" not in html


def test_it_does_not_mark_a_due_date_in_a_known_year(login, cast):
    item = make(cast, State.HANDLING)
    assert item.stage_due.year == 2026
    html = login(cast.deputy).get(reverse("petitions:detail", args=[item.pk])).content.decode()
    assert "本环节截止" in html and "暂按周一至周五计算" not in html
