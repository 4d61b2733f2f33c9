"""Pages of deputy suggestions (read side): the list (代表建议) and detail page, scoped by
`Suggestion.objects.visible_to(user)`; the session report for staff and leaders; and the public
disclosure page (公开): no login, found by the session's opaque token, rate-limited, showing only what is
public (number, title, lead deputy, units, class, reply; never contacts) and only replies the deputy
consented to publish (selectors.public_replies)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.choices import Role
from core import downloads

from . import queues
from .choices import REPLYING_ROLES, Action, State
from .forms import SuggestionFilterForm
from .models import Consultation, CoSigner, Evaluation, Reply, Session, Suggestion, SuggestionEvent, SuggestionUnit
from .public import over_limit
from .selectors import FIGURE_LABELS, public_replies


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
    page = Paginator(rows, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))  # a bad number: page 1 / last
    items = []
    for s in page.object_list:
        replies = [r for r in s.public_replies if r.round == s.handling_round]
        items.append({
            "number": s.display_number, "title": s.title, "lead_deputy": s.lead_deputy.name,
            "lead_units": [p.unit.name for p in s.public_units if p.role in REPLYING_ROLES],
            "co_units": [p.unit.name for p in s.public_units if p.role not in REPLYING_ROLES],
            "reply_class": s.get_reply_class_display(), "replies": replies,
        })
    return render(request, "suggestions/public_session.html", {"session": session, "items": items, "page": page})


PUBLIC_PAGE_SIZE = 50  # a session holds ~110 suggestions in Xiangshan, thousands in a big city: never all at once


PAGE_SIZE = 30

# Who may open the suggestion pages at all (visible_to then decides which suggestions).
READ_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.UNIT, Role.DEPUTY,
                        Role.GROUP_LEADER, Role.LEADER})
# Who sees the session report.
REPORT_ROLES = frozenset({Role.ADMIN, Role.DISTRICT_STAFF, Role.LEADER})


def _current_units():
    return SuggestionUnit.objects.filter(is_current=True, cancelled_at__isnull=True).select_related("unit")


@login_required
@require_GET
def suggestion_list(request):
    if not request.user.roles & READ_ROLES:
        raise PermissionDenied
    form = SuggestionFilterForm(request.GET or None)
    # 待办: one of the user's work queues (suggestions/queues.py), scoped like the list.
    boxes = queues.boxes_for(request.user)
    box_key = request.GET.get("box", "")
    box = queues.BOXES.get(box_key) if box_key else None
    box_refused = bool(box_key) and box not in boxes
    if box is not None and not box_refused:
        qs = form.filter(queues.box_queryset(request.user, box.key))
    else:
        box = None
        qs = form.filter(Suggestion.objects.visible_to(request.user))
    qs = (qs.select_related("session", "lead_deputy")
          .prefetch_related(Prefetch("units", queryset=_current_units().filter(role__in=REPLYING_ROLES)
                                     .order_by("role", "id"), to_attr="lead_units"))
          .order_by("-session__year", "session__name", "number", "-id"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    report_session = (form.cleaned_data.get("session") if form.is_valid() and request.user.roles & REPORT_ROLES
                      else None)
    figure = form.cleaned_data.get("figure") if form.is_valid() else ""
    counts = queues.queue_counts(request.user, memo=True) if boxes else {}
    return render(request, "suggestions/list.html", {"form": form, "page_obj": page, "items": page.object_list,
                                                     "report_session": report_session,
                                                     "figure_label": FIGURE_LABELS.get(figure, ""),
                                                     "figure_unit": figure and form.cleaned_data.get("figure_unit"),
                                                     "box": box, "box_refused": box_refused,
                                                     "boxes": [(b, counts.get(b.key, 0)) for b in boxes]})


@login_required
@require_GET
def suggestion_detail(request, pk: int):
    s = get_object_or_404(Suggestion.objects.visible_to(request.user).select_related(
        "session", "lead_deputy", "category__parent", "merged_into__session"), pk=pk)
    return render(request, "suggestions/detail.html", detail_context(request, s))


def detail_context(request, s, bound=None) -> dict:
    """The detail page's context; `bound` (an action and its refused bound form) replaces that action's
    empty form so what the person typed is shown again (suggestions/actions.py)."""
    from .actions import action_cards

    user = request.user
    units = list(SuggestionUnit.objects.filter(suggestion=s).select_related("unit").order_by("round", "role", "id"))
    rounds = {}
    for u in units:
        rounds.setdefault(u.round, []).append(u)
    context = {
        "s": s,
        "cosigners": CoSigner.objects.filter(suggestion=s).select_related("deputy").order_by("id"),
        "rounds": sorted(rounds.items()),
        "consultations": Consultation.objects.filter(suggestion=s).select_related("unit").order_by("round", "id"),
        "replies": Reply.objects.filter(suggestion=s).select_related("unit").order_by("round", "submitted_at", "id"),
        "evaluations": Evaluation.objects.filter(suggestion=s).select_related("deputy").order_by("round", "id"),
        "events": [(e, Action(e.action).label if e.action in Action.values else e.action,
                    State(e.to_state).label if e.to_state in State.values else e.to_state)
                   for e in SuggestionEvent.objects.filter(suggestion=s).select_related("actor", "actor_unit")
                   .order_by("created_at", "id")],
        # Contacts and personal data (联系人, 联系电话, 面商人员) only to staff.
        "show_contacts": user.is_staff_role,
        "action_cards": action_cards(user, s, bound),
    }
    return context


@login_required
@require_GET
def session_report_view(request, pk: int):
    if not request.user.roles & REPORT_ROLES:
        raise PermissionDenied
    session = get_object_or_404(Session, pk=pk)
    from .report_views import report_context

    return render(request, "suggestions/report.html", report_context(session))


@login_required
@require_GET
def reply_pdf(request, pk: int):
    """The signed PDF of a reply (签发件), to whoever sees the suggestion's page (out of scope: 404)."""
    reply = get_object_or_404(Reply.objects.filter(suggestion__in=Suggestion.objects.visible_to(request.user),
                                                   signed_pdf__isnull=False).select_related("signed_pdf"), pk=pk)
    pdf = reply.signed_pdf
    try:
        with pdf.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = downloads.file_response(content, pdf.name, content_type="application/pdf", fallback="reply.pdf",
                                       inline=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
