"""Two people acting on the same item at once: exactly one wins, on real parallel PostgreSQL
transactions (threads, each with its own connection)."""

import pytest

from petitions import workflow
from petitions.choices import Action, State
from petitions.models import Assignment, ItemEvent
from tests.concurrency import race

from .helpers import make

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_only_one_of_two_staff_assign(cast):
    item = make(cast, State.RESEARCH)
    results = race(
        lambda: workflow.item_assign(item=item.pk, actor=cast.staff, lead_unit=cast.zhujian.unit),
        lambda: workflow.item_assign(item=item.pk, actor=cast.dongshan_staff, lead_unit=cast.huanbao.unit),
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["ok", "refused"], results
    loser = next(r[1] for r in results if r[0] == "refused")
    assert "该事项已被" in loser and "请刷新" in loser
    assert ItemEvent.objects.filter(item=item, action=Action.ASSIGN).count() == 1
    assert Assignment.objects.filter(item=item).count() == 1


def test_it_lets_only_one_of_a_unit_submitting_and_staff_recalling_win(cast):
    for _ in range(3):  # the race can go either way; each run must leave exactly one outcome
        item = make(cast, State.HANDLING)
        results = race(
            lambda item=item: workflow.item_submit_result(item=item.pk, actor=cast.zhujian, result="已办结"),
            lambda item=item: workflow.item_recall(item=item.pk, actor=cast.staff, comment="交办有误"),
        )
        assert sorted(r[0] for r in results) == ["ok", "refused"], results
        item.refresh_from_db()
        kinds = set(ItemEvent.objects.filter(item=item).values_list("action", flat=True))
        if item.state == State.REVIEW:
            assert Action.RECALL not in kinds
            assert not Assignment.objects.filter(item=item, cancelled_at__isnull=False).exists()
        else:
            assert item.state == State.RESEARCH and Action.SUBMIT_RESULT not in kinds
            assert not Assignment.objects.filter(item=item, handled_at__isnull=False).exists()


def test_it_evaluates_once_when_the_deputy_double_clicks(cast):
    item = make(cast, State.EVALUATION)
    results = race(*[lambda: workflow.item_evaluate(item=item.pk, actor=cast.deputy, satisfaction="satisfied")] * 2)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert ItemEvent.objects.filter(item=item, action=Action.EVALUATE).count() == 1


def test_it_creates_one_item_when_the_same_new_item_form_is_sent_twice_at_once(cast):
    # Issue 17 defect 7: a double-submitted form (two parallel POSTs) made two items, counted twice in
    # 收集数 and the monthly quota. The form's one-time token lets exactly one through.
    import uuid

    from petitions.models import Item

    from .helpers import item_data

    token = uuid.uuid4()
    before = Item.objects.count()

    def send():
        return workflow.item_create(actor=cast.deputy, deputy=cast.deputy.deputy, data=item_data(),
                                    submit=True, submission_token=token)

    results = race(send, send)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    first = next(r[1] for r in results if r[0] == "ok")
    assert "已经提交过" in next(r[1] for r in results if r[0] == "refused")
    assert Item.objects.count() == before + 1
    assert Item.objects.get(submission_token=token).pk == first.pk
    assert ItemEvent.objects.filter(item=first, action=Action.CREATE).count() == 1
