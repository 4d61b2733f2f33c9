"""Numbers are given at 登记, per session, from a counter that never goes back."""

import pytest

from suggestions import services
from suggestions.choices import SessionKind, State
from suggestions.models import Session

from .helpers import draft, make, session

pytestmark = pytest.mark.django_db


def test_it_numbers_per_session_and_formats_the_two_kinds(cast):
    first = make(cast, State.REGISTERED)
    second = make(cast, State.REGISTERED)
    interim = session("2026年闭会期间", kind=SessionKind.INTERIM)
    third = make(cast, State.REGISTERED, sess=interim)
    assert (first.number, second.number, third.number) == (1, 2, 1)
    assert first.display_number == "第0001号"
    assert third.display_number == "2026年闭会期间第001号"


def test_it_never_gives_a_number_twice_even_after_a_merge(cast):
    master = make(cast, State.ACCEPTED)
    merged = make(cast, State.REVIEWING)
    services.suggestion_merge(suggestion=merged, actor=cast.staff, master=master)
    nxt = make(cast, State.REGISTERED)
    assert nxt.number == 3
    assert Session.objects.get(pk=nxt.session_id).last_number == 3


def test_it_gives_no_number_to_a_draft_or_a_withdrawn_one(cast):
    s = draft(cast)
    services.suggestion_submit(suggestion=s, actor=cast.deputy)
    s = services.suggestion_withdraw(suggestion=s, actor=cast.deputy)
    assert s.number is None
    assert make(cast, State.REGISTERED).number == 1


def test_it_refuses_a_suggestion_to_a_closed_session(cast):
    closed = session("区人大十二届二次会议", open_for_submissions=False)
    with pytest.raises(services.LoopError, match="不接收建议"):
        draft(cast, sess=closed)
