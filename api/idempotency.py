"""``Idempotency-Key`` on POSTs (issue 14: mini-programs retry). The first request with a key is served
and its answer stored (api.models.IdempotencyRecord); a retry with the same key and the same request
(method, path, body) gets that answer again, with ``Idempotent-Replayed: true``, and does nothing twice.
The same key with a different request is refused (422); a retry while the first is still being served
waits for nothing and gets 409. Without the header a POST is served as usual."""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .errors import ApiError
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY = 100
# Not stored: answers that are not about the request itself (signed out, too many requests).
NOT_STORED = {401, 429}


def fingerprint(request) -> str:
    """The request as the key promises it: method, path and body (JSON compared by content, so key
    order and spacing do not matter; form fields and files by their values and contents)."""
    h = hashlib.sha256()
    h.update(f"{request.method} {request.path}\n".encode())
    if request.content_type and request.content_type.startswith("application/json"):
        h.update(json.dumps(request.data, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode())
    else:
        for key in sorted(request.data.keys()) if hasattr(request.data, "keys") else []:
            for value in (request.data.getlist(key) if hasattr(request.data, "getlist") else [request.data[key]]):
                if hasattr(value, "chunks"):
                    part = hashlib.sha256()
                    for chunk in value.chunks():
                        part.update(chunk)
                    value.seek(0)
                    h.update(f"{key}=file:{part.hexdigest()}\n".encode())
                else:
                    h.update(f"{key}={value}\n".encode())
    return h.hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.body, status=record.status)
    response["Idempotent-Replayed"] = "true"
    if record.location:
        response["Location"] = record.location
    return response


def idempotent(handler):
    """Decorator for a view's ``post``: honours the Idempotency-Key header (authentication, permissions
    and throttles have run already, so a key belongs to the signed-in account)."""

    @wraps(handler)
    def wrapped(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(self, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY:
            raise ApiError(_("Idempotency-Key 须为 1 至 %(n)s 个字符。") % {"n": MAX_KEY},
                           code="invalid_idempotency_key")
        fp = fingerprint(request)
        try:
            with transaction.atomic():
                record, created = IdempotencyRecord.objects.get_or_create(
                    user=request.user, key=key, defaults={"fingerprint": fp})
        except IntegrityError:  # a parallel first request claimed the key between our read and write
            record, created = IdempotencyRecord.objects.get(user=request.user, key=key), False
        if not created:
            if record.fingerprint != fp:
                raise ApiError(_("该 Idempotency-Key 已用于另一个请求,请为新的请求使用新的键。"),
                               code="idempotency_key_reused", status_code=422)
            if record.status is None:
                raise ApiError(_("使用该 Idempotency-Key 的请求正在处理中,请稍后重试。"),
                               code="idempotency_in_progress", status_code=409)
            return _replay(record)
        try:
            response = handler(self, request, *args, **kwargs)
        except Exception as exc:
            from .errors import exception_handler

            handled = exception_handler(exc, {"view": self, "request": request})
            if handled is None:
                record.delete()  # a bug: nothing to promise, let the retry run again
                raise
            response = handled
        if response.status_code >= 500 or response.status_code in NOT_STORED:
            record.delete()
            return response
        body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)) if response.data is not None else None
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status=response.status_code, body=body, location=response.get("Location", "")[:300])
        return response

    return wrapped
