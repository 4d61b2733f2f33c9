"""The demo session: suggestions in every state of the loop, walked through the services; idempotent."""

import io

import pytest
from django.core.management import call_command

from suggestions.choices import State
from suggestions.demo import PATH, SESSION
from suggestions.models import Suggestion, SuggestionEvent

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_session_with_suggestions_in_every_state_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    states = list(Suggestion.objects.filter(session__name=SESSION).order_by("pk").values_list("state", flat=True))
    assert states == PATH
    assert Suggestion.objects.get(state=State.CONCLUDED).tracking  # the B answer waits for its measures
    events = SuggestionEvent.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Suggestion.objects.count() == len(PATH) and SuggestionEvent.objects.count() == events
