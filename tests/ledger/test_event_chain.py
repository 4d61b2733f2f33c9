"""Every timeline (ItemEvent rows) written by the demo data and by ledger imports chains through the one
transition table, `petitions.choices.TRANSITIONS`: each event's action is allowed from the state the events
before it left the item in, its from/to states say so, and the last one leaves the item in its state."""

import datetime
import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from ledger.services import ledger_import
from petitions.choices import TRANSITIONS, Action, State
from petitions.models import Item, ItemEvent

from .test_import import good_rows, workbook

pytestmark = pytest.mark.django_db
D = datetime.date

# Targets of the actions whose outcome depends on the call (Transition.target is None).
OPEN_TARGETS = {
    Action.EDIT: None,  # stays where it is
    Action.DECIDE_RETURN: {State.RESEARCH, State.HANDLING},  # approved → 研处中; refused → 办理中
    # 满意/基本满意 → 已办结; 不满意 → 办理中 (研处中 for a direct answer); second 不满意 → 待督办办结
    Action.EVALUATE: {State.CLOSED, State.HANDLING, State.RESEARCH, State.SUPERVISION},
}


def chain_problems(item, events) -> list[str]:
    """What breaks the chain of one item's events (ordered as the timeline shows them)."""
    problems = []
    state = None
    for e in events:
        where = f"item {item.pk} event {e.pk} {e.action} {e.from_state}→{e.to_state}"
        if e.action == Action.CREATE:
            if state is not None or e.from_state or e.to_state != State.DRAFT:
                problems.append(f"{where}: a draft is created once, first")
            state = State.DRAFT
            continue
        if e.action == Action.MERGED_IN:  # a note on the target: its state does not change
            if e.from_state != state or e.to_state != state:
                problems.append(f"{where}: the item was {state}")
            continue
        transition = TRANSITIONS.get(e.action)
        if transition is None:
            problems.append(f"{where}: not in TRANSITIONS")
            continue
        if state is None:  # an imported history may begin at its submission, without the draft
            state = e.from_state
        if e.from_state != state:
            problems.append(f"{where}: the item was {state}")
        if state not in transition.sources:
            problems.append(f"{where}: {e.action} is not allowed from {state}")
        targets = {transition.target} if transition.target else (OPEN_TARGETS[e.action] or {state})
        if e.to_state not in targets:
            problems.append(f"{where}: {e.action} leads to {targets}")
        state = e.to_state
    if state != item.state:
        problems.append(f"item {item.pk}: the events end in {state}, the item is {item.state}")
    return problems


def all_problems(items) -> list[str]:
    by_item = defaultdict(list)
    for e in ItemEvent.objects.filter(item__in=items).order_by("created_at", "id"):
        by_item[e.item_id].append(e)
    problems = []
    for item in items:
        problems += chain_problems(item, by_item[item.pk])
    return problems


def test_it_pins_that_the_checker_sees_a_broken_chain(cast):
    item = Item(pk=1, state=State.EVALUATION)
    broken = [ItemEvent(pk=1, action=Action.SUBMIT, from_state=State.DRAFT, to_state=State.SUBMITTED),
              ItemEvent(pk=2, action=Action.SUBMIT_RESULT, from_state=State.HANDLING, to_state=State.EVALUATION)]
    assert len(chain_problems(item, broken)) == 3


def ledger_rows_of_every_kind():
    rows = good_rows()
    rows += [
        ["TZ-2022-005", "不满意后督办", "", "城乡建设", "刘芳", "东山街道", "2022-07", D(2022, 7, 1), "已办结",
         "相山区住房和城乡建设局", D(2022, 7, 4), None, D(2022, 7, 20), "不满意", ""],
        ["TZ-2022-006", "办结未评价", "", "城乡建设", "刘芳", "", None, D(2022, 7, 2), "已办结",
         "相山区住房和城乡建设局", D(2022, 7, 4), None, D(2022, 7, 22), None, ""],
        ["TZ-2022-007", "研处中", "", "", "刘芳", "", None, D(2022, 8, 1), "研处中", None, None, None, None, None, ""],
        ["TZ-2022-008", "直接答复后评价", "", "", "刘芳", "", None, D(2022, 8, 2), "已办结", None, None, None,
         D(2022, 8, 9), "基本满意", ""],
        ["TZ-2022-009", "直接答复待评价", "", "", "刘芳", "", None, D(2022, 8, 3), "待评价", None, None, None,
         D(2022, 8, 9), None, ""],
        ["TZ-2022-010", "办结无单位无评价", "", "", "刘芳", "", None, D(2022, 8, 4), "已办结", None, None, None,
         D(2022, 8, 19), None, ""],
        ["TZ-2022-011", "待评价无办结日期", "", "", "刘芳", "", None, D(2022, 8, 5), "待评价",
         "相山区住房和城乡建设局", D(2022, 8, 8), None, None, None, ""],
    ]
    return rows


def test_it_chains_every_ledger_import_timeline_through_the_transition_table(cast):
    report = ledger_import(file=workbook(ledger_rows_of_every_kind()), dry_run=False, create_units=True,
                           actor=cast.staff)
    assert report.ok and report.created == 11, report.refused
    items = list(Item.objects.filter(imported=True))
    assert all_problems(items) == []


def test_it_chains_every_demo_timeline_through_the_transition_table():
    call_command("seed_demo", stdout=io.StringIO())
    items = list(Item.objects.all())
    assert len(items) > 1000
    problems = all_problems(items)
    assert problems == [], f"{len(problems)} problems, e.g. {problems[:10]}"
