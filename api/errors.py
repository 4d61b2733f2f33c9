"""Errors of the API as one JSON shape, ``{"code", "message", "fields"}`` (issue 14), with the same
Chinese messages as the pages: ``message`` says what went wrong, ``fields`` maps a field to its
messages (empty when the refusal is not about a field). A refused request changes nothing."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from core.loops import LoopError, NotAllowed, StaleState

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """A refusal with our own code, message and field messages."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message, *, code: str | None = None, status_code: int | None = None,
                 fields: dict | None = None):
        super().__init__(detail=str(message), code=code or self.default_code)
        self.code = code or self.default_code
        self.message = str(message)
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code


def form_error(form) -> ApiError:
    """A Django form's errors (the pages' messages) as a 400 with ``fields``."""
    fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
    return ApiError(_("未能办理,请按提示修改后重新提交。"), code="invalid", fields=fields)


def loop_error(exc: LoopError) -> ApiError:
    """A refused workflow step: 403 when the role or scope does not allow it, 409 otherwise."""
    if isinstance(exc, NotAllowed):
        return ApiError(exc.message, code="permission_denied", status_code=403)
    code = "stale_state" if isinstance(exc, StaleState) else "refused"
    return ApiError(exc.message, code=code, status_code=409)


MESSAGES = {
    "not_authenticated": gettext_lazy("请先登录。"),
    "authentication_failed": gettext_lazy("登录凭证无效或已过期,请重新登录。"),
    "permission_denied": gettext_lazy("您无权执行该操作。"),
    "not_found": gettext_lazy("找不到该记录,或您无权查看。"),
    "method_not_allowed": gettext_lazy("不支持该请求方法。"),
    "not_acceptable": gettext_lazy("不支持所请求的响应格式。"),
    "unsupported_media_type": gettext_lazy("不支持该请求内容类型,请使用 JSON。"),
    "parse_error": gettext_lazy("请求内容无法解析,请检查 JSON 格式。"),
}


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    return {}


def exception_handler(exc, context):
    """DRF's exception handler, reshaped: every error answer is ``{"code", "message", "fields"}``."""
    if isinstance(exc, LoopError):
        exc = loop_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging
    if isinstance(exc, ApiError):
        response.data = {"code": exc.code, "message": exc.message, "fields": exc.fields}
        return response
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        message = _("请求过于频繁,请 %(s)s 秒后再试。") % {"s": wait}
        response.data = {"code": "throttled", "message": message, "fields": {}}
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(exc.detail, list):
            fields = {"non_field_errors": [str(m) for m in exc.detail]}
        response.data = {"code": "invalid", "message": _("未能办理,请按提示修改后重新提交。"), "fields": fields}
        return response
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        response.data = {"code": "csrf_failed", "message": _("页面已过期(CSRF 校验未通过),请刷新页面后重试。"),
                         "fields": {}}
        return response
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else getattr(exc, "default_code", "error")
    message = MESSAGES.get(code) or MESSAGES.get(getattr(exc, "default_code", ""), _("请求未能完成。"))
    response.data = {"code": code, "message": str(message), "fields": {}}
    return response


@csrf_exempt  # it changes nothing; a POST to a wrong address still gets the JSON 404, not CSRF's HTML 403
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a JSON 404 (not the HTML error page)."""
    return JsonResponse({"code": "not_found", "message": str(MESSAGES["not_found"]), "fields": {}}, status=404,
                        json_dumps_params={"ensure_ascii": False})
