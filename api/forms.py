"""JSON bodies bound to the pages' own forms: the API validates with the same form a page uses, so a
refusal carries the same Chinese message and no rule is written twice (STYLE.md "The API is another
door"). A JSON body becomes the QueryDict a browser would have sent."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from .errors import ApiError


def _scalar(value, field) -> str:
    if isinstance(value, bool):
        # A checkbox reads "true"/"false"; a 是/否 choice (approve) reads "1"/"0".
        if isinstance(field, forms.BooleanField):
            return "true" if value else "false"
        return "1" if value else "0"
    if isinstance(value, dict | list):
        return ""  # not a value any of our fields takes: the field says what it expected
    return str(value)


def form_data(data, form_class: type[forms.BaseForm] | None = None) -> QueryDict:
    """`request.data` as new, mutable form data: a QueryDict (multipart) without its files, a JSON
    object key by key (a list becomes several values, null no value)."""
    if isinstance(data, QueryDict):
        # Multipart: the fields without the files (those go to the form as `files`), never deep-copied
        # (an uploaded file on disk cannot be).
        out = QueryDict(mutable=True)
        for key, values in data.lists():
            out.setlist(key, [v for v in values if not hasattr(v, "read")])
        return out
    if not isinstance(data, dict):
        raise ApiError(_("请求内容应为 JSON 对象。"), code="parse_error")
    fields = form_class.base_fields if form_class is not None else {}
    out = QueryDict(mutable=True)
    for key, value in data.items():
        field = fields.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            out.setlist(key, [_scalar(v, field) for v in value if v is not None])
        else:
            out[key] = _scalar(value, field)
    return out


def wants(data, key: str) -> bool:
    """A yes/no flag of the request body (JSON true, or "1"/"true" in a form)."""
    value = data.get(key) if hasattr(data, "get") else None
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "on", "yes")
