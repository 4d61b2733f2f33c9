"""Pages of deputy suggestions. For now the public disclosure page (公开): no login, found by the
session's opaque token, rate-limited, showing only what is public (number, title, lead deputy, units,
class, reply; never contacts) and only replies the deputy consented to publish (selectors.public_replies)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .choices import REPLYING_ROLES
from .models import Reply, Session, SuggestionUnit
from .public import over_limit
from .selectors import public_replies


@require_GET
def public_session(request, token: str):
    if over_limit(request, "suggestions-public"):
        return HttpResponse(_("访问过于频繁,请稍后再试。"), status=429, content_type="text/plain; charset=utf-8")
    session = get_object_or_404(Session, public_token=token)
    rows = public_replies(session, timezone.localdate()).prefetch_related(
        Prefetch("units", queryset=SuggestionUnit.objects.filter(is_current=True, cancelled_at__isnull=True)
                 .select_related("unit").order_by("role", "id"), to_attr="public_units"),
        Prefetch("replies", queryset=Reply.objects.filter(sent_back_at__isnull=True)
                 .select_related("unit").order_by("-round", "id"), to_attr="public_replies"))
    items = []
    for s in rows:
        replies = [r for r in s.public_replies if r.round == s.handling_round]
        items.append({
            "number": s.display_number, "title": s.title, "lead_deputy": s.lead_deputy.name,
            "lead_units": [p.unit.name for p in s.public_units if p.role in REPLYING_ROLES],
            "co_units": [p.unit.name for p in s.public_units if p.role not in REPLYING_ROLES],
            "reply_class": s.get_reply_class_display(), "replies": replies,
        })
    return render(request, "suggestions/public_session.html", {"session": session, "items": items})
