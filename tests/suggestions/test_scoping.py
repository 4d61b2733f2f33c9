"""Who sees which suggestion: one queryset method, `Suggestion.objects.visible_to(user)`."""

import pytest

from suggestions.choices import State
from suggestions.models import Suggestion
from tests import factories

from .helpers import draft, make

pytestmark = pytest.mark.django_db


def _visible(user):
    return set(Suggestion.objects.visible_to(user).values_list("pk", flat=True))


def test_it_scopes_suggestions_by_role(cast):
    mine = make(cast, State.HANDLING, co=[cast.group_leader.deputy])  # 刘芳 (东山), co-signed by 张伟; 区住建局
    renwei = make(cast, State.REGISTERED, user=cast.renwei_deputy, co=[])  # 赵强 (任圩), not assigned
    a_draft = draft(cast, user=cast.renwei_deputy, co=[])
    assert _visible(cast.staff) == _visible(cast.leader) == {mine.pk, renwei.pk}
    assert _visible(cast.dongshan_staff) == {mine.pk}
    assert _visible(cast.renwei_staff) == {renwei.pk}
    assert _visible(cast.zhujian) == _visible(cast.huanbao) == {mine.pk}  # lead and co-unit
    assert _visible(cast.deputy) == {mine.pk}
    assert _visible(cast.group_leader) == {mine.pk}  # co-signed
    assert _visible(cast.renwei_deputy) == {renwei.pk, a_draft.pk}  # the draft only to its author
    outsider = factories.UserFactory()
    assert _visible(outsider) == set()


def test_it_lets_only_those_who_act_edit(cast):
    s = make(cast, State.HANDLING)
    editable = lambda u: set(Suggestion.objects.editable_by(u).values_list("pk", flat=True))  # noqa: E731
    assert editable(cast.staff) == {s.pk}
    assert editable(cast.zhujian) == {s.pk}
    assert editable(cast.leader) == set()
    assert editable(cast.renwei_staff) == set()
    assert editable(cast.renwei_deputy) == set()
