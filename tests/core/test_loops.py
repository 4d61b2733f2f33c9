"""The loop engine (core.loops) on its own: lock-and-check, the append-only event row, deadlines.

The subject is petitions' Item with a tiny test-only transition table, so nothing here depends on
the opinion-item table or its services."""

import datetime as dt

import pytest
from django.db import transaction

from core import workdays
from core.loops import (
    AppendOnly,
    LoopError,
    NotAllowed,
    StaleState,
    allowed_actions,
    due_in_months,
    due_in_workdays,
    due_soon_q,
    is_due_soon,
    is_overdue,
    lock,
    overdue_q,
    record_event,
    transition,
)
from holidays.choices import EntryKind
from holidays.models import CalendarEntry
from petitions.choices import State
from petitions.models import Item, ItemEvent

from ..petitions.helpers import make

pytestmark = pytest.mark.django_db

TABLE = {
    "poke": transition([State.SUBMITTED], ["poker"], State.RESEARCH),
    "wave": transition([State.SUBMITTED, State.RESEARCH], ["waver"], None),
}


def staff_pokes(user, obj):
    """Test actor kinds: the district staff member (李明) is a poker, everyone else nobody."""
    return {"poker"} if user is not None and user.username == "staff" else set()


def lock_poke(item, actor, **extra):
    with transaction.atomic():
        return lock(item, "poke", actor, table=TABLE, actor_kinds=extra.pop("actor_kinds", staff_pokes),
                    stale_message=lambda obj: f"已变为 {obj.state},请刷新", **extra)


def snapshot(item):
    item = Item.objects.get(pk=item.pk)
    return item.state, item.updated_at, item.events.count()


def test_it_locks_and_returns_the_fresh_row_and_the_actors_kinds(cast):
    item = make(cast, State.SUBMITTED)
    Item.objects.filter(pk=item.pk).update(title="改过的标题")  # the caller's copy is stale
    locked, kinds = lock_poke(item, cast.staff)
    assert (locked.title, kinds) == ("改过的标题", {"poker"})
    locked, _kinds = lock_poke(item.pk, cast.staff, model=Item)
    assert locked.pk == item.pk


def test_it_refuses_a_stale_state_and_changes_nothing(cast):
    item = make(cast, State.RESEARCH)
    before = snapshot(item)
    with pytest.raises(StaleState, match="已变为 research,请刷新"):
        lock_poke(item, cast.staff)
    assert snapshot(item) == before


def test_it_refuses_a_wrong_actor(cast):
    item = make(cast, State.SUBMITTED)
    before = snapshot(item)
    with pytest.raises(NotAllowed) as refused:
        lock_poke(item, cast.deputy, not_allowed_message=lambda action: f"不能执行 {action}")
    assert refused.value.message == "不能执行 poke"
    assert snapshot(item) == before


def test_it_refuses_a_read_only_user_even_with_the_right_kind(cast):
    item = make(cast, State.SUBMITTED)
    with pytest.raises(NotAllowed, match="领导账号只能查看"):
        lock_poke(item, cast.leader, actor_kinds=lambda user, obj: {"poker"})
    assert snapshot(item)[0] == State.SUBMITTED


def test_it_refuses_a_missing_row_with_a_message(cast):
    with pytest.raises(LoopError, match="不存在"):
        lock_poke(999999, cast.staff, model=Item)


def test_it_lists_the_allowed_actions_of_a_state_and_kinds():
    assert allowed_actions(TABLE, State.SUBMITTED, {"poker", "waver"}) == {"poke", "wave"}
    assert allowed_actions(TABLE, State.RESEARCH, {"poker", "waver"}) == {"wave"}
    assert allowed_actions(TABLE, State.SUBMITTED, {"somebody"}) == set()


def test_it_counts_calendar_months_clamped_to_the_month_end():
    assert due_in_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert due_in_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)  # leap year
    assert due_in_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert due_in_months(dt.date(2026, 3, 15), 12) == dt.date(2027, 3, 15)
    assert due_in_months(dt.date(2026, 5, 31), 6) == dt.date(2026, 11, 30)


@pytest.fixture
def fresh_calendar():
    workdays.clear_caches()
    yield
    workdays.clear_caches()


def test_it_is_overdue_only_after_the_due_day_across_a_weekend():
    friday = dt.date(2030, 4, 26)
    assert not is_overdue(friday, friday)
    assert is_overdue(friday, dt.date(2030, 4, 27))  # Saturday: the due Friday has passed
    assert not is_overdue(None, friday)
    # Due soon counts working days: from Friday, one working day on is Monday, not Saturday.
    assert is_due_soon(dt.date(2030, 4, 29), friday, workdays=1)
    assert not is_due_soon(dt.date(2030, 4, 30), friday, workdays=1)
    assert not is_due_soon(dt.date(2030, 4, 25), friday, workdays=1)  # overdue, not due soon


def test_it_counts_due_soon_across_an_entered_holiday(cast, fresh_calendar):
    friday, thursday = dt.date(2030, 4, 26), dt.date(2030, 5, 2)
    item = make(cast, State.SUBMITTED)
    Item.objects.filter(pk=item.pk).update(stage_due=thursday)

    def soon():  # the due-soon limit is computed when the filter is built
        return Item.objects.filter(due_soon_q("stage_due", friday, workdays=1), pk=item.pk).exists()

    assert not is_due_soon(thursday, friday, workdays=1) and not soon()
    # Staff enter 29 April – 1 May 2030 as a holiday: the next working day after Friday is Thursday.
    CalendarEntry.objects.create(year=2030, kind=EntryKind.HOLIDAY, name="劳动节", start=dt.date(2030, 4, 29),
                                 end=dt.date(2030, 5, 1))
    workdays.forget()
    assert due_in_workdays(friday, 1) == thursday
    assert is_due_soon(thursday, friday, workdays=1) and soon()
    overdue = Item.objects.filter(overdue_q("stage_due", dt.date(2030, 5, 3)), pk=item.pk)
    assert is_overdue(thursday, dt.date(2030, 5, 3)) and overdue.exists()
    assert not Item.objects.filter(overdue_q("stage_due", thursday), pk=item.pk).exists()


def test_it_keeps_the_event_rows_append_only(cast):
    item = make(cast, State.SUBMITTED)
    event = record_event(ItemEvent, item=item, action="submit", actor=cast.deputy, from_state=State.DRAFT,
                         to_state=State.SUBMITTED, comment="原说明")
    assert (event.actor, event.data) == (cast.deputy, {})
    event.comment = "改写"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    assert ItemEvent.objects.get(pk=event.pk).comment == "原说明"


def test_it_records_an_anonymous_actor_as_the_system(cast):
    from django.contrib.auth.models import AnonymousUser

    item = make(cast, State.SUBMITTED)
    event = record_event(ItemEvent, item=item, action="deem_satisfied", actor=AnonymousUser(),
                         from_state=State.EVALUATION, to_state=State.CLOSED, data={"x": 1})
    assert event.actor_id is None and event.data == {"x": 1}


def test_it_is_the_engine_that_refuses_an_opinion_item_action(cast):
    """Opinion items are the engine's first user: their refusals are the engine's, with the item's words."""
    from petitions import workflow

    researched = make(cast, State.RESEARCH)
    with pytest.raises(StaleState, match="该事项已被"):
        workflow.item_withdraw(item=researched, actor=cast.deputy)
    submitted = make(cast, State.SUBMITTED)
    with pytest.raises(NotAllowed, match="您无权对该事项执行“开始研处”"):
        workflow.item_start_research(item=submitted, actor=cast.zhujian)
    with pytest.raises(LoopError, match="事项不存在"):
        workflow.item_start_research(item=999999, actor=cast.staff)
    assert snapshot(submitted)[0] == State.SUBMITTED and snapshot(researched)[0] == State.RESEARCH
