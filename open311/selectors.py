"""Read queries of Open311: the service list (the report categories) and the public service requests.

Only what the resident's status page shows is published: the state (open/closed), the moderated public
reply, the times. Never the text, the name, the phone, the address or the coordinates."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions.choices import State as ItemState
from residents.choices import Category, State
from residents.models import ReportEvent

from .models import ServiceRequest

MAX_RESULTS = 1000
DEFAULT_DAYS = 90

# Closed for Open311: answered, refused or concluded; a report turned into an opinion item once that item
# is concluded. Open: with a handler (submitted, accepted, transferred), waiting for staff review after a
# second 不满意, or converted while the item is still being handled.
CLOSED_Q = (Q(report__state__in=(State.ANSWERED, State.REJECTED, State.CLOSED))
            | Q(report__state=State.CONVERTED, report__item__state=ItemState.CLOSED))

_KEYWORDS = {
    Category.URBAN: "道路,路灯,交通,井盖,违建,小区",
    Category.ECOLOGY: "垃圾,噪音,污水,绿化,油烟,环境",
    Category.LIVELIHOOD: "医疗,教育,养老,低保,社保,就业",
    Category.GOVERNANCE: "邻里纠纷,治安,物业,社区管理",
    Category.ECONOMY: "企业,营商环境,创业,就业",
    Category.OTHER: "其他",
}
_GROUPS = {
    Category.URBAN: "城乡建设", Category.ECOLOGY: "生态环境", Category.LIVELIHOOD: "民生保障",
    Category.GOVERNANCE: "社会治理", Category.ECONOMY: "经济发展", Category.OTHER: "其他",
}


def routing_note() -> str:
    from django.conf import settings

    return _("提交时请用 attribute[station](或 jurisdiction_id)写明受理的联络站码令牌,即联络站二维码链接 /q/<令牌>/ 的末段;"
             "不写(或 jurisdiction_id 为 %(j)s)则由区人大默认联络站受理。合作方代为核实群众身份,不再发送短信验证码;"
             "同样的频率限制适用。提交内容只给受理的代表和工作人员看,查询接口只公开办理状态和审核后的答复。") % {
        "j": getattr(settings, "OPEN311_JURISDICTION_ID", "xiangshan")}


def services() -> list[dict]:
    """services.json: one service per report category (问题类别)."""
    note = routing_note()
    return [{"service_code": value, "service_name": str(label),
             "description": _("群众来信:%(name)s。") % {"name": label} + note,
             "metadata": False, "type": "realtime", "keywords": _KEYWORDS[value], "group": _GROUPS[value]}
            for value, label in Category.choices]


def requests_queryset():
    """Counted reports (an unconfirmed one is no request yet) with what a row shows, in one query."""
    last_event = (ReportEvent.objects.filter(report_id=OuterRef("report_id")).order_by("-created_at", "-id")
                  .values("created_at")[:1])
    return (ServiceRequest.objects.select_related("report", "report__item")
            .exclude(report__state=State.PENDING)
            .annotate(updated_at=Subquery(last_event)))


def requests_list(*, ids: list[str] | None = None, service_code: list[str] | None = None,
                  start: datetime.datetime | None = None, end: datetime.datetime | None = None,
                  status: list[str] | None = None) -> list[ServiceRequest]:
    """GET requests.json: by ids (the other filters then do not apply, as the spec says), else by service
    codes, status and submission time (default the last 90 days), newest first, at most 1000."""
    qs = requests_queryset()
    if ids is not None:
        qs = qs.filter(token__in=ids)
    else:
        end = end or timezone.now()
        start = start or end - datetime.timedelta(days=DEFAULT_DAYS)
        qs = qs.filter(report__submitted_at__gte=start, report__submitted_at__lte=end)
        if service_code:
            qs = qs.filter(report__category__in=service_code)
        if status and set(status) != {"open", "closed"}:
            qs = qs.filter(CLOSED_Q) if status == ["closed"] else qs.exclude(CLOSED_Q)
    return list(qs.order_by("-report__submitted_at", "-id")[:MAX_RESULTS])


def request_get(token: str) -> ServiceRequest | None:
    return requests_queryset().filter(token=token).first()


def is_closed(request: ServiceRequest) -> bool:
    report = request.report
    if report.state in (State.ANSWERED, State.REJECTED, State.CLOSED):
        return True
    return report.state == State.CONVERTED and report.item_id is not None and report.item.state == ItemState.CLOSED


def _iso(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def request_public(request: ServiceRequest) -> dict:
    """One service request as Open311 shows it: nothing personal (see the module docstring)."""
    report = request.report
    notes = report.public_reply if report.public_reply and not report.reply_hidden else None
    return {
        "service_request_id": request.token, "status": "closed" if is_closed(request) else "open",
        "status_notes": notes, "service_name": str(Category(report.category).label)
        if report.category in Category.values else None, "service_code": report.category,
        "description": None, "agency_responsible": None, "service_notice": None,
        "requested_datetime": _iso(report.submitted_at),
        "updated_datetime": _iso(getattr(request, "updated_at", None) or report.submitted_at),
        "expected_datetime": None, "address": None, "address_id": None, "zipcode": None, "lat": None, "long": None,
        "media_url": None,
    }
