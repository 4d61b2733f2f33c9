"""Read queries of resident reports (lists and the navigation badge)."""

from __future__ import annotations

from .choices import NEW_STATES
from .models import Report


def new_count(user) -> int:
    """Reports waiting to be accepted in the user's scope (the 群众来信 badge): one query."""
    return Report.objects.visible_to(user).filter(state__in=NEW_STATES).count()
