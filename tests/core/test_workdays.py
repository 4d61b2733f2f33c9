import datetime as dt

import pytest

from core.workdays import add_workdays, calendar_known, clear_caches, is_workday, workdays_between

# The entered holiday schedule (holidays.CalendarEntry) is read from the database.
pytestmark = pytest.mark.django_db


def test_it_skips_the_national_day_holiday():
    # 2025: National Day and Mid-Autumn, 1–8 October off; Saturday 11 October is worked.
    assert not is_workday(dt.date(2025, 10, 1))
    assert add_workdays(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)


def test_it_counts_an_adjusted_working_saturday():
    assert dt.date(2025, 10, 11).weekday() == 5
    assert is_workday(dt.date(2025, 10, 11))
    assert add_workdays(dt.date(2025, 10, 10), 1) == dt.date(2025, 10, 11)


def test_it_skips_the_spring_festival():
    # 2026 Spring Festival: 15–23 February off; Saturday 14 and 28 February worked.
    assert not is_workday(dt.date(2026, 2, 17))
    assert is_workday(dt.date(2026, 2, 14))
    assert add_workdays(dt.date(2026, 2, 13), 2) == dt.date(2026, 2, 24)


def test_it_counts_fifteen_working_days_across_a_holiday():
    # From Friday 26 September 2025: Sunday 28 September is worked (调休), 1–8 October are off,
    # Saturday 11 October is worked: the 15th working day is Thursday 23 October.
    assert is_workday(dt.date(2025, 9, 28))
    assert add_workdays(dt.date(2025, 9, 26), 15) == dt.date(2025, 10, 23)
    assert workdays_between(dt.date(2025, 9, 26), dt.date(2025, 10, 23)) == 15


def test_it_falls_back_to_weekdays_for_an_unknown_year(caplog):
    clear_caches()
    assert not calendar_known(2099)
    assert "2099" in caplog.text
    assert is_workday(dt.date(2099, 1, 1))  # a Thursday, no holiday data
    assert not is_workday(dt.date(2099, 1, 3))  # a Saturday
    assert add_workdays(dt.date(2099, 1, 2), 1) == dt.date(2099, 1, 5)
