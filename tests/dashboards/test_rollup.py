"""The rollups (dashboards/models.py) equal a plain recount after any writes: random workflow
transitions, the ledger import, bulk updates and deletes, group membership changes; and
`manage.py rebuild_rollups` repairs them."""

import datetime
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from areas.models import Area
from dashboards.models import RollupDeputyMonth, RollupGroup, RollupItem, RollupPeriod, RollupState, RollupUnit
from dashboards.periods import Period, Scope
from dashboards.selectors import drill_items, submission_months
from deputies.choices import MandateStatus
from deputies.models import Mandate
from groups.models import DeputyGroup, GroupMembership
from ledger.services import ledger_import
from petitions import workflow
from petitions.choices import Satisfaction, State
from petitions.models import Assignment, Item
from tests.ledger.test_import import good_rows, workbook
from tests.petitions.helpers import make, new_item

from .conftest import build_random

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the two sides

def stored() -> dict:
    """What the rollup tables hold, without rows that went back to zero."""
    def rows(model, key, counts):
        out = {}
        for r in model.objects.values(*key, *counts):
            values = tuple(r[c] for c in counts)
            if any(values):
                out[tuple(r[k] for k in key)] = values
        return out

    item_counts = ("collected", "concluded", "evaluated", "satisfied")
    return {
        "item": rows(RollupItem, ("month", "area_id", "category"), item_counts),
        "group": rows(RollupGroup, ("month", "area_id", "group_id"), item_counts),
        "unit": rows(RollupUnit, ("month", "area_id", "unit_id"),
                     ("assigned", "concluded", "evaluated", "satisfied", "ended", "on_time")),
        "deputy_month": rows(RollupDeputyMonth, ("deputy_id", "period"), ("items",)),
        "period": rows(RollupPeriod, ("period",), ("deputies",)),
        "state": rows(RollupState, ("state",), ("items",)),
    }


def recount() -> dict:
    """The same numbers counted in Python from the rows, straight from DOMAIN.md's definitions."""
    item, group, unit, deputy_month = Counter(), Counter(), Counter(), Counter()
    members = {}
    for m in GroupMembership.objects.all():
        members.setdefault(m.deputy_id, []).append(m.group_id)
    collected = {}
    for it in Item.objects.all():
        if it.submitted_at is None or it.state in (State.DRAFT, State.WITHDRAWN, State.MERGED):
            continue
        collected[it.pk] = it
        month = timezone.localtime(it.submitted_at).date().replace(day=1)
        evaluated = it.evaluated_at is not None
        counts = (1, it.state == State.CLOSED, evaluated, evaluated and it.satisfaction in ("satisfied", "basic"))
        for i, v in enumerate(counts):
            item[(month, it.area_id or 0, it.category), i] += v
            for g in members.get(it.deputy_id, ()):
                group[(month, it.area_id or 0, g), i] += v
        deputy_month[(it.deputy_id, it.period), 0] += 1
    for a in Assignment.objects.filter(role="lead", cancelled_at__isnull=True):
        it = collected.get(a.item_id)
        if it is None:
            continue
        key = (timezone.localtime(it.submitted_at).date().replace(day=1), it.area_id or 0, a.unit_id)
        evaluated = it.evaluated_at is not None
        cur = a.is_current
        ended = a.handled_at is not None
        for i, v in enumerate((cur, cur and it.state == State.CLOSED, cur and evaluated,
                               cur and evaluated and it.satisfaction in ("satisfied", "basic"), ended,
                               ended and timezone.localtime(a.handled_at).date() <= a.due_date)):
            unit[key, i] += v
    periods = Counter(p for (_d, p), _i in deputy_month)

    def table(counter, width):
        keys = {k for k, _i in counter}
        out = {k: tuple(int(counter[k, i]) for i in range(width)) for k in keys}
        return {k: v for k, v in out.items() if any(v)}

    return {"item": table(item, 4), "group": table(group, 4), "unit": table(unit, 6),
            "deputy_month": table(deputy_month, 1), "period": {(p,): (n,) for p, n in periods.items()},
            "state": {(st,): (n,) for st, n in Counter(Item.objects.values_list("state", flat=True)).items()}}


def assert_exact():
    assert stored() == recount()


# ---------------------------------------------------------------- random transitions

def _unit_user(cast, item):
    return next(u for u in (cast.zhujian, cast.huanbao) if u.unit_id == item.lead_unit_id)


refused: list = []


def step(cast, rnd: random.Random, items: list[Item]) -> None:
    """One random action on a random item through petitions.workflow (refused ones are skipped)."""
    staff, deputy = cast.staff, cast.deputy
    if not items or rnd.random() < 0.15:
        items.append(new_item(cast, submit=rnd.random() < 0.9, category=rnd.choice(["urban", "ecology", "other"])))
        return
    item = Item.objects.get(pk=rnd.choice(items).pk)
    units = [cast.zhujian.unit, cast.huanbao.unit]
    actions = {
        State.DRAFT: [lambda: workflow.item_submit(item=item, actor=deputy)],
        State.RETURNED: [lambda: workflow.item_submit(item=item, actor=deputy)] * 3
        + [lambda: workflow.item_withdraw(item=item, actor=deputy)],
        State.SUBMITTED: [lambda: workflow.item_start_research(item=item, actor=staff)] * 4
        + [lambda: workflow.item_withdraw(item=item, actor=deputy)],
        State.RESEARCH: [
            lambda: workflow.item_assign(item=item, actor=staff, lead_unit=rnd.choice(units)),
            lambda: workflow.item_assign(item=item, actor=staff, lead_unit=rnd.choice(units)),
            lambda: workflow.item_assign(item=item, actor=staff, lead_unit=units[0], co_units=[units[1]]),
            lambda: workflow.item_return_for_detail(item=item, actor=staff, comment="请补充"),
            lambda: workflow.item_answer_directly(item=item, actor=staff, reply="已直接答复"),
            lambda: workflow.item_reject(item=item, actor=staff, reason="不属于受理范围"),
            lambda: workflow.item_merge(item=item, actor=staff, into=rnd.choice([i for i in items if i.pk != item.pk] or items)),
        ],
        State.HANDLING: [lambda: workflow.item_submit_result(item=item, actor=_unit_user(cast, item), result="已办理")] * 4
        + [lambda: workflow.item_recall(item=item, actor=staff, comment="交办有误")],
        State.REVIEW: [lambda: workflow.item_review_reply(item=item, actor=staff, approve=rnd.random() < 0.8,
                                                          comment="请重办")],
        State.EVALUATION: [
            lambda: workflow.item_evaluate(item=item, actor=deputy, satisfaction=rnd.choice(Satisfaction.values),
                                           comment="评价意见"),
            lambda: workflow.item_deem_satisfied(item=item, actor=staff,
                                                 today=timezone.localdate() + datetime.timedelta(days=60)),
        ],
        State.SUPERVISION: [lambda: workflow.item_close_supervised(item=item, actor=staff, comment="督办办结")],
    }.get(item.state, [])
    if actions:
        try:
            rnd.choice(actions)()
        except workflow.WorkflowError as exc:
            refused.append(exc)


@pytest.mark.parametrize("seed", [1, 2])
def test_it_keeps_the_rollups_equal_to_a_recount_through_random_transitions(cast, seed):
    rnd = random.Random(seed)
    items: list[Item] = []
    for i in range(200):
        step(cast, rnd, items)
        if i % 30 == 29:
            assert_exact()
    states = Counter(Item.objects.values_list("state", flat=True))
    assert len(states) >= 6, (states, refused[:5])  # the walk reached most of the loop
    assert RollupUnit.objects.filter(ended__gt=0).exists(), (states, [e.message for e in refused[:8]])
    assert_exact()


def test_it_keeps_the_rollups_exact_through_bulk_writes(cast, frozen):
    build_random(cast, n=60)  # ORM create of items and assignments, any state, 2024–2025
    make(cast, State.CLOSED)
    assert_exact()
    report = ledger_import(file=workbook(good_rows()), dry_run=False, create_units=True, filename="t.xlsx",
                           actor=cast.staff)
    assert report.created == 4
    assert_exact()
    renwei = Area.objects.get(name="任圩街道")
    Item.objects.filter(category="urban").update(area=renwei, category="economy")  # one UPDATE, many rows
    Item.objects.filter(state=State.HANDLING).update(state=State.CLOSED, evaluated_at=timezone.now(),
                                                     satisfaction=Satisfaction.BASIC)
    Assignment.objects.filter(pk__in=Assignment.objects.order_by("pk").values("pk")[:5]).update(
        cancelled_at=timezone.now())
    Assignment.objects.filter(handled_at__isnull=True).update(handled_at=timezone.now(), due_date=datetime.date(2030, 1, 1))
    assert_exact()
    Item.objects.filter(pk__in=Item.objects.order_by("pk").values("pk")[:10]).delete()  # with their assignments
    assert_exact()
    # A deputy joins a second group and leaves it: their items move with them.
    group = DeputyGroup.objects.create(name="新建小组")
    membership = GroupMembership.objects.create(group=group, deputy=cast.deputy.deputy_profile)
    assert_exact()
    assert RollupGroup.objects.filter(group_id=group.pk, collected__gt=0).exists()
    GroupMembership.objects.filter(deputy=cast.deputy.deputy_profile).exclude(pk=membership.pk).delete()
    assert_exact()
    with connection.cursor() as cursor:  # raw SQL is counted too
        cursor.execute("UPDATE petitions_item SET submitted_at = submitted_at - interval '40 days' WHERE id % 3 = 0")
        cursor.execute("UPDATE petitions_item SET period = period - interval '1 month' WHERE id % 4 = 0")
    assert_exact()


def test_it_rebuilds_the_rollups_with_a_command(cast, frozen):
    build_random(cast, n=40)
    expected = recount()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dashboards_rollupitem SET collected = collected + 5")
        cursor.execute("DELETE FROM dashboards_rollupunit")
        cursor.execute("DELETE FROM dashboards_rollupperiod")
    assert stored() != expected
    call_command("rebuild_rollups", stdout=open("/dev/null", "w"))
    assert stored() == expected


def test_it_counts_monthly_submission_of_deputies_not_or_not_yet_in_office(cast, frozen):
    """District-wide, deputies who did not owe a month are taken off the rollup's count of deputies
    with items: one resigned, one whose mandate begins in March."""
    from .builders import make_item

    liu, zhao, zhang = (cast.deputy.deputy_profile, cast.renwei_deputy.deputy_profile,
                        cast.group_leader.deputy_profile)
    for d in (liu, zhao, zhang):
        for m in (1, 2, 3, 4):
            make_item(d, submitted=datetime.date(2026, m, 10))
    Mandate.objects.filter(deputy=zhao).update(status=MandateStatus.RESIGNED)
    Mandate.objects.filter(deputy=zhang).update(start_date=datetime.date(2026, 3, 15))
    months = Period(datetime.date(2026, 1, 1), datetime.date(2026, 4, 30)).months()
    owing = {d.pk: d for d in (liu, zhang)}
    in_office = set(Mandate.objects.filter(status=MandateStatus.IN_OFFICE).values_list("deputy_id", flat=True))
    expected = {}
    for m in months:
        since = {}
        for md in Mandate.objects.filter(status=MandateStatus.IN_OFFICE):
            start = (md.start_date or datetime.date(1900, 1, 1)).replace(day=1)
            since[md.deputy_id] = min(since.get(md.deputy_id, start), start)
        owed = [d for d in in_office if since[d] <= m]
        met = [d for d in owed if Item.objects.collected().filter(deputy_id=d, period=m).exists()]
        expected[m] = (len(met), len(owed))
    assert submission_months(months, Scope()) == expected
    assert expected[datetime.date(2026, 1, 1)][0] == sum(1 for d in owing if d == liu.pk)  # zhang not yet, zhao gone
    area = Area.objects.get(name="东山街道")
    scoped = submission_months(months, Scope(area=area))
    assert all(met <= owed for met, owed in scoped.values())


@pytest.mark.parametrize("params", [
    {"from": "2024-03-10", "to": "2025-02-20", "metric": "concluded"},
    {"from": "2025-01-01", "to": "2025-12-31", "metric": "satisfied", "category": "urban"},
    {"from": "2024-01-01", "to": "2025-12-31", "metric": "collected", "by_area": "任圩街道"},
])
def test_it_counts_the_item_lists_from_the_rollups_exactly(cast, login, frozen, params):
    """The drill-down and the petitions list take their totals from the rollups: equal to a count."""
    from django.urls import reverse

    build_random(cast, n=80)
    make(cast, State.DRAFT)  # a draft of the deputy: not in the staff member's list
    if "by_area" in params:
        params = {**params, "by_area": Area.objects.get(name=params["by_area"]).pk}
    client = login(cast.staff)
    ctx = client.get(reverse("dashboards:items"), params).context
    period = Period(datetime.date.fromisoformat(params["from"]), datetime.date.fromisoformat(params["to"]))
    area = Area.objects.get(pk=params["by_area"]) if "by_area" in params else None
    expected = drill_items(period, Scope(), metric=params["metric"], by_area=area,
                           category=params.get("category")).count()
    assert ctx["count"] == expected > 0
    listed = client.get(reverse("petitions:list")).context["page_obj"].paginator.count
    assert listed == Item.objects.visible_to(cast.staff).count()
