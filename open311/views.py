"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over the resident reports (群众来信), so
existing civic clients work: services.json, requests.json (GET public, POST for partner apps with an
api_key) and requests/<id>.json. JSON only; errors as Open311 has them, ``[{"code", "description"}]``,
in Chinese. Public, rate-limited per address (and per key for POST) on the residents' Redis counters,
429 with Retry-After. No session, no CSRF: a partner is known by its key alone."""

from __future__ import annotations

import functools
import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.loops import LoopError
from residents.limits import HOUR, MINUTE, client_ip
from residents.partner import Limited, Unavailable, limit_retry_after

from . import selectors, services
from .forms import OPEN311_NAME, PartnerReportForm, RequestsQueryForm

logger = logging.getLogger(__name__)


def _json(data, status=200, **headers):
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    # Public data: browser-based civic clients may read it from their own origin (no cookies are used).
    response["Access-Control-Allow-Origin"] = "*"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error(status: int, *descriptions, **headers):
    return _json([{"code": status, "description": str(d)} for d in descriptions], status=status, **headers)


def _methods(*allowed):
    """Only these methods; another gets 405 in Open311 format."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            if request.method not in allowed:
                return error(405, _("不支持该请求方法。"), Allow=", ".join(allowed))
            return view(request, *args, **kwargs)

        return inner

    return wrap


def _format_error(fmt: str):
    if fmt == "json":
        return None
    if fmt == "xml":
        return error(400, _("本接口只提供 JSON 格式,请把 .xml 换成 .json。"))
    return error(404, _("不支持的格式,请使用 .json。"))


def _rules(name: str, default: tuple[int, int]) -> list[tuple[int, int]]:
    per_minute, per_hour = getattr(settings, name, default)
    return [(per_minute, MINUTE), (per_hour, HOUR)]


def _throttled(scope: str, who: str, rules, *, fail_open: bool = False):
    """A 429 (or 503 when the counter is down and the endpoint fails closed) response, or None."""
    try:
        wait = limit_retry_after(scope, who, rules)
    except Unavailable as exc:
        if fail_open:
            logger.warning("Open311 频率计数不可用,未限流")
            return None
        return error(503, exc.message)
    return error(429, _("请求过于频繁,请 %(n)s 秒后再试。") % {"n": wait}, Retry_After=str(wait)) if wait else None


def _read_throttled(request):
    return _throttled("open311-read", client_ip(request), _rules("OPEN311_READ_LIMITS", (120, 3000)), fail_open=True)


@_methods("GET")
def service_list(request, fmt: str):
    """GET services.json: the report categories."""
    return _format_error(fmt) or _read_throttled(request) or _json(selectors.services())


@csrf_exempt
@_methods("GET", "POST")
def request_list(request, fmt: str):
    """GET requests.json (public) or POST requests.json (a partner's new report)."""
    refused = _format_error(fmt)
    if refused:
        return refused
    if request.method == "POST":
        return _post_request(request)
    refused = _read_throttled(request)
    if refused:
        return refused
    form = RequestsQueryForm(request.GET)
    if not form.is_valid():
        return _form_errors(form)
    data = form.cleaned_data
    rows = selectors.requests_list(ids=data["service_request_id"], service_code=data["service_code"],
                                   start=data["start_date"], end=data["end_date"], status=data["status"])
    return _json([selectors.request_public(r) for r in rows])


@_methods("GET")
def request_detail(request, token: str, fmt: str):
    """GET requests/<service_request_id>.json: one request (an array of one, as the spec has it)."""
    refused = _format_error(fmt) or _read_throttled(request)
    if refused:
        return refused
    found = selectors.request_get(token) if services.is_token(token) else None
    if found is None:
        return error(404, _("没有找到该服务请求。"))
    return _json([selectors.request_public(found)])


def not_found(request, rest: str = ""):
    return error(404, _("没有这个接口。Open311 接口见 /open311/v2/services.json。"))


def _form_errors(form):
    descriptions = []
    for field, messages in form.errors.items():
        name = OPEN311_NAME.get(field, field)
        descriptions += [f"{name}:{m}" if name else m for m in messages]
    return error(400, *descriptions)


def _params(request) -> dict[str, str]:
    """The POST fields, from a form (application/x-www-form-urlencoded, multipart) or a JSON object."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise LoopError(_("请求内容不是有效的 JSON。")) from None
        if not isinstance(body, dict):
            raise LoopError(_("请求内容须是一个 JSON 对象。"))
        params = {}
        for key, value in body.items():
            if isinstance(value, dict) and key == "attribute":
                params.update({f"attribute[{k}]": v for k, v in value.items()})
            else:
                params[key] = value
        if any(not isinstance(v, str | int | float) or isinstance(v, bool) for v in params.values() if v is not None):
            raise LoopError(_("字段值只能是文字或数字。"))
        return {k: "" if v is None else str(v) for k, v in params.items()}
    return {k: request.POST.get(k, "") for k in request.POST}


def _post_request(request):
    ip = client_ip(request)
    refused = _throttled("open311-ip", ip, _rules("OPEN311_IP_LIMITS", (30, 300)))
    if refused:
        return refused
    try:
        params = _params(request)
    except RequestDataTooBig:
        return error(413, _("请求内容过大。"))
    except LoopError as exc:
        return error(400, exc.message)
    if any("\x00" in k or "\x00" in v for k, v in params.items()):
        return error(400, _("请求中含有不允许的字符(NUL)。"))
    partner = services.partner_for_key(params.get("api_key", ""))
    if partner is None:
        message = _("缺少 api_key。") if not params.get("api_key") else _("api_key 无效或已停用。")
        return error(403, message)
    refused = _throttled("open311-key", str(partner.pk), _rules("OPEN311_KEY_LIMITS", (20, 200)))
    if refused:
        return refused
    if params.get("media_url", "").strip():
        return error(400, _("暂不接受 media_url(图片链接),请去掉该字段后重新提交。"))
    name = (params.get("last_name", "").strip() + params.get("first_name", "").strip())
    form = PartnerReportForm({"category": params.get("service_code", ""), "text": params.get("description", ""),
                              "address": params.get("address_string", ""), "name": name,
                              "phone": params.get("phone", ""), "lat": params.get("lat", ""),
                              "long": params.get("long", "")})
    if not form.is_valid():
        return _form_errors(form)
    data = form.cleaned_data
    try:
        code = services.station_for(station=params.get("attribute[station]", "").strip(),
                                    jurisdiction_id=params.get("jurisdiction_id", "").strip())
        created = services.request_submit(partner=partner, code=code, data=data, lat=data["lat"], long=data["long"])
    except Limited as exc:
        return error(429, exc.message, Retry_After=str(exc.retry_after))
    except Unavailable as exc:
        return error(503, exc.message)
    except LoopError as exc:
        return error(400, exc.message)
    notice = _("已收到,由%(station)s受理,%(n)s 个工作日内受理。") % {
        "station": code.home.name, "n": settings.RESIDENT_ACCEPT_WORKDAYS}
    return _json([{"service_request_id": created.token, "service_notice": notice, "account_id": None}], status=201)
