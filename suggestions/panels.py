"""The home-page (工作台) panel of suggestions for the leader, district staff and admin: the current
session's headline figures, each linked to the report or to its drill-down."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .choices import SessionKind
from .models import Session
from .report_views import REPORT_ROLES
from .selectors import session_report, session_stats


def current_session() -> Session | None:
    """The latest congress session (会议, not a between-sessions year)."""
    return (Session.objects.filter(kind=SessionKind.CONGRESS).order_by("-year", "-starts_on", "-id").first())


def report_panel(request):
    if not request.user.roles & REPORT_ROLES:
        return None
    session = current_session()
    if session is None:
        return None
    stats = session_stats(session)
    report = session_report(session)
    return {"title": _("代表建议"), "template": "suggestions/panel.html", "session": session, "stats": stats,
            "report": report}
