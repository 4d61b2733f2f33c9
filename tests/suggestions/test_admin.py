"""The admin shows suggestions read-only (the state changes only through the services)."""

import pytest
from django.urls import reverse

from suggestions.choices import State

from .helpers import make

pytestmark = pytest.mark.django_db


def test_it_lists_and_shows_suggestions_but_offers_no_change(login, cast):
    s = make(cast, State.CONCLUDED)
    client = login(cast.admin)
    assert client.get(reverse("admin:suggestions_suggestion_changelist")).status_code == 200
    page = client.get(reverse("admin:suggestions_suggestion_change", args=[s.pk]))
    assert page.status_code == 200 and "name=\"_save\"" not in page.content.decode()
    assert client.post(reverse("admin:suggestions_suggestion_change", args=[s.pk]), {"state": "draft"}).status_code == 403
    s.refresh_from_db()
    assert s.state == State.CONCLUDED
    for name in ("session", "category", "suggestionsettings"):
        assert client.get(reverse(f"admin:suggestions_{name}_changelist")).status_code == 200
