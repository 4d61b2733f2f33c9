"""安全审计 pages for admins: the searchable, paginated log and its .xlsx export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from core.access import role_required
from core.downloads import append, sheet_title, xlsx_response

from . import selectors
from .forms import EventFilterForm

EXPORT_MAX_ROWS = 100_000


@role_required(Role.ADMIN)
def event_list(request):
    form = EventFilterForm(request.GET or None)
    qs = selectors.security_event_list(**form.filters()) if form.is_bound else selectors.security_event_list()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page_obj": page})


@role_required(Role.ADMIN)
def event_export(request):
    from openpyxl import Workbook

    form = EventFilterForm(request.GET or None)
    qs = selectors.security_event_list(**form.filters()) if form.is_bound else selectors.security_event_list()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(_("安全审计记录")))
    append(ws, [_("时间"), _("用户名"), _("IP地址"), _("类型"), _("对象"), _("结果"), _("详情")])
    for e in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        append(ws, [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.username, e.ip or "",
                    e.get_kind_display(), e.target, e.get_result_display(), _detail_text(e.detail)])
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(wb, _("安全审计记录-%(date)s.xlsx") % {"date": stamp}, fallback=f"security-events-{stamp}.xlsx")


def _detail_text(detail) -> str:
    import json

    return json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""


@role_required(Role.ADMIN, Role.DISTRICT_STAFF)
def privacy_inventory(request):
    """个人信息清单, generated from audit.privacy.REGISTRY."""
    from django.conf import settings

    from .privacy import REGISTRY

    rows = [(*e.labels(), e) for e in REGISTRY]
    return render(request, "audit/privacy.html", {
        "rows": rows, "audit_days": settings.AUDIT_RETENTION_DAYS,
        "resident_days": getattr(settings, "RESIDENT_DATA_RETENTION_DAYS", None)})


@require_POST
@login_required
def personal_data_reveal(request, key, pk):
    """显示: the full value of one declared field of one object in the user's scope, logged."""
    from .choices import EventKind, EventResult
    from .privacy import entry, may_see_full_personal_data
    from .services import security_event_record

    field = entry(key)
    model = field.model() if field and field.revealable else None
    if model is None:
        raise Http404
    obj = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    if not may_see_full_personal_data(request.user):
        security_event_record(kind=EventKind.PERSONAL_DATA_VIEW, obj=obj, result=EventResult.REFUSED,
                              detail={"field": key})
        raise PermissionDenied
    security_event_record(kind=EventKind.PERSONAL_DATA_VIEW, obj=obj, detail={"field": key})
    value = getattr(obj, field.field) or "—"
    return HttpResponse(f'<span data-testid="revealed">{escape(value)}</span>')
