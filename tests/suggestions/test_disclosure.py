"""Public disclosure (公开): a received reply is public 20 working days on, only with consent and unless
staff mark it 不公开."""

import datetime

import pytest

from suggestions import services
from suggestions.choices import State
from suggestions.models import Suggestion
from suggestions.selectors import public_replies

from .helpers import make

pytestmark = pytest.mark.django_db


def test_it_publishes_a_reply_twenty_working_days_after_the_deputy_received_it(cast):
    s = make(cast, State.ANSWERED)  # answered Thursday 26 November 2026
    assert s.disclose_after == datetime.date(2026, 12, 24)  # 20 working days on
    assert list(public_replies(s.session, datetime.date(2026, 12, 23))) == []
    assert list(public_replies(s.session, datetime.date(2026, 12, 24))) == [s]


def test_it_publishes_nothing_without_consent_or_when_withheld(cast):
    no_consent = make(cast, State.CONCLUDED, consent_public=False)
    withheld = make(cast, State.CONCLUDED)
    Suggestion.objects.filter(pk=withheld.pk).update(withheld_by_staff=True)
    handling = make(cast, State.HANDLING)
    public = make(cast, State.CONCLUDED)
    later = datetime.date(2027, 6, 1)
    assert list(public_replies(no_consent.session, later)) == [public]
    assert handling.disclose_after is None


def test_it_answers_the_deputies_of_merged_suggestions_with_the_master(cast):
    from notifications.models import Notification

    master = make(cast, State.REVIEW)
    merged = make(cast, State.REVIEWING, user=cast.renwei_deputy, co=[])
    services.suggestion_merge(suggestion=merged, actor=cast.staff, master=master)
    services.suggestion_approve_reply(suggestion=master, actor=cast.staff)
    assert Notification.objects.filter(kind="suggestion.approve_reply", recipient=cast.renwei_deputy).exists()
