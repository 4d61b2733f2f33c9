"""Working days with the staff-maintained schedule: entered years override the package, the package fills
the rest, unknown years are Monday–Friday; the entered schedule is cached per process."""

import datetime as dt

import pytest

from core import workdays
from core.workdays import add_workdays, calendar_source, is_workday, workdays_between
from holidays.choices import EntryKind
from holidays.models import CalendarEntry
from petitions.choices import State
from tests.petitions.helpers import make

from .helpers import enter, enter_2027

pytestmark = pytest.mark.django_db


def test_it_makes_new_years_day_2027_a_holiday_once_entered(cast):
    assert is_workday(dt.date(2027, 1, 1))  # a Friday, and the package stops at 2026
    assert calendar_source(2027) is None
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3))
    assert not is_workday(dt.date(2027, 1, 1))
    assert calendar_source(2027) == "entered"
    assert add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


def test_it_counts_an_entered_adjusted_working_saturday(cast):
    saturday = dt.date(2027, 2, 20)
    assert saturday.weekday() == 5 and not is_workday(saturday)
    enter_2027(cast)
    assert is_workday(saturday)
    assert add_workdays(dt.date(2027, 2, 19), 1) == saturday
    # Across the entered 春节 (6–12 February off) and the worked Saturday 20 February: from Friday
    # 5 February, 15 working days are 15–19, 20 (Saturday), 22–26 and 1–4 March.
    assert add_workdays(dt.date(2027, 2, 5), 15) == dt.date(2027, 3, 4)
    assert workdays_between(dt.date(2027, 2, 5), dt.date(2027, 3, 4)) == 15


def test_it_computes_an_items_due_date_with_the_entered_schedule(cast, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 21, 10, 0))
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3))
    enter(cast, 2027, EntryKind.WORKDAY, "调休上班", dt.date(2027, 1, 9))
    item = make(cast, State.HANDLING)
    # 15 working days from Monday 21 December 2026: 22–25, 28–31 December, 4–8 and Saturday 9 January,
    # 11 January (1 January off).
    assert item.stage_due == dt.date(2027, 1, 11)


def test_it_overrides_the_package_entirely_for_an_entered_year(cast):
    assert not is_workday(dt.date(2026, 10, 1))  # the package: National Day
    assert is_workday(dt.date(2026, 2, 14))  # the package: a worked Saturday
    enter(cast, 2026, EntryKind.HOLIDAY, "春节", dt.date(2026, 2, 16), dt.date(2026, 2, 20))
    assert is_workday(dt.date(2026, 10, 1))  # not entered: a Thursday like any other
    assert not is_workday(dt.date(2026, 2, 14))
    assert not is_workday(dt.date(2026, 2, 16))


def test_it_lets_the_package_fill_the_years_not_entered(cast):
    enter_2027(cast)
    assert not is_workday(dt.date(2025, 10, 1))
    assert is_workday(dt.date(2025, 10, 11))
    assert calendar_source(2025) == "package"
    assert calendar_source(2099) is None
    assert is_workday(dt.date(2099, 1, 1)) and not is_workday(dt.date(2099, 1, 3))


def test_it_lets_an_entered_new_year_range_decide_the_old_years_days(cast):
    # The 2024 schedule: 元旦 30 December 2023 to 1 January 2024. The entered range decides its own days.
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2026, 12, 31), dt.date(2027, 1, 2))
    assert not is_workday(dt.date(2026, 12, 31))
    assert is_workday(dt.date(2026, 12, 30))  # the rest of 2026 still from the package


def test_it_reads_the_entered_schedule_once_per_process(cast, django_assert_num_queries):
    enter_2027(cast)
    add_workdays(dt.date(2027, 1, 1), 1)
    with django_assert_num_queries(0):
        for start in range(30):
            add_workdays(dt.date(2027, 1, 1) + dt.timedelta(days=start), 15)
            is_workday(dt.date(2027, 2, 20))


def test_it_reads_the_schedule_again_when_another_process_changed_it(cast, monkeypatch):
    monkeypatch.setattr(workdays, "CHECK_EVERY", 0)
    assert is_workday(dt.date(2027, 1, 1))
    # Another process writes (committed there) and bumps the shared version after commit.
    CalendarEntry.objects.create(year=2027, kind=EntryKind.HOLIDAY, name="元旦", start=dt.date(2027, 1, 1),
                                 end=dt.date(2027, 1, 1))
    assert is_workday(dt.date(2027, 1, 1))  # not yet told: the cached schedule holds
    workdays._redis().incr(workdays.VERSION_KEY)
    assert not is_workday(dt.date(2027, 1, 1))


def test_it_bumps_the_shared_version_after_commit(cast, django_capture_on_commit_callbacks):
    before = int(workdays._redis().get(workdays.VERSION_KEY) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1))
    assert int(workdays._redis().get(workdays.VERSION_KEY)) == before + 1


def test_it_keeps_computing_when_redis_is_down(cast, monkeypatch):
    def down():
        raise ConnectionError("redis down")

    monkeypatch.setattr(workdays, "_redis", down)
    monkeypatch.setattr(workdays, "CHECK_EVERY", 0)
    enter(cast, 2027, EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1))
    assert not is_workday(dt.date(2027, 1, 1))
    assert is_workday(dt.date(2027, 1, 4))


def test_it_reads_the_schedule_again_after_a_while_when_redis_is_down(cast, monkeypatch):
    def down():
        raise ConnectionError("redis down")

    monkeypatch.setattr(workdays, "_redis", down)
    monkeypatch.setattr(workdays, "CHECK_EVERY", 0)
    assert is_workday(dt.date(2027, 1, 1))
    CalendarEntry.objects.create(year=2027, kind=EntryKind.HOLIDAY, name="元旦", start=dt.date(2027, 1, 1),
                                 end=dt.date(2027, 1, 1))  # another process, which could not bump the version
    assert is_workday(dt.date(2027, 1, 1))  # within the 30 seconds
    monkeypatch.setattr(workdays, "REDIS_DOWN_RELOAD", 0)
    workdays._cache.redis_down_until = 0
    workdays._cache.loaded_at -= 1
    assert not is_workday(dt.date(2027, 1, 1))
