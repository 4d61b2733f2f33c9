"""Due dates in working days across the National Day and Spring Festival holidays and an adjusted
working Saturday (调休), with a frozen clock."""

import datetime

import pytest
import time_machine

from core.workdays import add_workdays, is_workday
from petitions import workflow
from petitions.choices import State
from petitions.models import ItemSettings

from .helpers import make, new_item

pytestmark = pytest.mark.django_db

NOON = datetime.time(12, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, NOON), tick=False)


def test_it_skips_the_national_day_holiday_for_research(cast):
    # 2025-09-30 (Tue): 10-01..10-08 are holidays; 09-28 (Sun) and 10-11 (Sat) are working days.
    with at(datetime.date(2025, 9, 30)):
        item = new_item(cast)
    # 1: 10-09, 2: 10-10, 3: 10-11 (Saturday, 调休上班), 4: 10-13, 5: 10-14.
    assert item.stage_due == datetime.date(2025, 10, 14)
    assert is_workday(datetime.date(2025, 10, 11))
    assert item.stage_due == add_workdays(datetime.date(2025, 9, 30), 5)


def test_it_skips_the_spring_festival_for_handling(cast):
    # 2025: 01-28..02-04 holidays; 01-26 (Sun) and 02-08 (Sat) are adjusted working days.
    with at(datetime.date(2025, 1, 24)):
        item = make(cast, State.HANDLING)
    expected = datetime.date(2025, 1, 24)
    days = 0
    while days < 15:
        expected += datetime.timedelta(days=1)
        days += is_workday(expected)
    assert item.stage_due == expected == datetime.date(2025, 2, 20)
    assert not is_workday(datetime.date(2025, 2, 3)) and is_workday(datetime.date(2025, 2, 8))


def test_it_counts_an_adjusted_working_saturday(cast):
    # Friday 2025-02-07 + 1 working day = Saturday 2025-02-08 (调休上班).
    ItemSettings.objects.update_or_create(pk=1, defaults={"research_workdays": 1})
    with at(datetime.date(2025, 2, 7)):
        item = new_item(cast)
    assert item.stage_due == datetime.date(2025, 2, 8)


def test_it_extends_across_a_holiday(cast):
    with at(datetime.date(2025, 9, 22)):
        item = make(cast, State.HANDLING)
        workflow.item_request_extension(item=item, actor=cast.zhujian, days=3, reason="节假日")
        request = item.requests.get()
        item = workflow.item_decide_extension(item=item, actor=cast.staff, request=request, approve=True)
    assert item.stage_due == add_workdays(add_workdays(datetime.date(2025, 9, 22), 15), 3)


def test_it_falls_back_to_monday_to_friday_for_an_unknown_year(cast, caplog):
    with at(datetime.date(2099, 3, 6)):  # a Friday
        item = new_item(cast)
    assert item.stage_due == datetime.date(2099, 3, 13)


def test_it_gives_the_evaluation_window_in_calendar_days(cast):
    with at(datetime.date(2025, 9, 30)):
        item = make(cast, State.EVALUATION)
    assert item.evaluation_due == datetime.date(2025, 10, 7)
