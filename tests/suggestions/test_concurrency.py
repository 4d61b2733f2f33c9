"""Two people acting on one suggestion at once: exactly one transition, on parallel PostgreSQL
transactions (threads, each with its own connection)."""

import pytest

from suggestions import services
from suggestions.choices import Action, Rating, State
from suggestions.models import Evaluation, SuggestionEvent, SuggestionUnit
from tests.concurrency import race

from .helpers import make

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_registers_once_when_two_staff_register_at_once(cast):
    s = make(cast, State.SUBMITTED)
    results = race(*[lambda: services.suggestion_register(suggestion=s.pk, actor=cast.staff)] * 2)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert "请刷新" in next(r[1] for r in results if r[0] == "refused")
    assert SuggestionEvent.objects.filter(suggestion=s, action=Action.REGISTER).count() == 1
    s.refresh_from_db()
    assert s.number == 1 and s.session.last_number == 1


def test_it_numbers_two_suggestions_registered_at_once_differently(cast):
    a, b = make(cast, State.SUBMITTED), make(cast, State.SUBMITTED)
    results = race(lambda: services.suggestion_register(suggestion=a.pk, actor=cast.staff),
                   lambda: services.suggestion_register(suggestion=b.pk, actor=cast.admin))
    assert [r[0] for r in results] == ["ok", "ok"], results
    a.refresh_from_db()
    b.refresh_from_db()
    assert {a.number, b.number} == {1, 2}


def test_it_assigns_once_when_two_staff_assign_at_once(cast):
    s = make(cast, State.ACCEPTED)
    results = race(
        lambda: services.suggestion_assign(suggestion=s.pk, actor=cast.staff, lead_unit=cast.zhujian.unit),
        lambda: services.suggestion_assign(suggestion=s.pk, actor=cast.admin, lead_unit=cast.huanbao.unit))
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert SuggestionUnit.objects.filter(suggestion=s).count() == 1


def test_it_evaluates_once_on_a_double_click(cast):
    s = make(cast, State.ANSWERED)
    results = race(*[lambda: services.suggestion_evaluate(suggestion=s.pk, actor=cast.deputy,
                                                          work_rating=Rating.SATISFIED,
                                                          result_rating=Rating.SATISFIED)] * 2)
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert Evaluation.objects.filter(suggestion=s).count() == 1
