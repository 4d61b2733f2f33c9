"""Forms of the Open311 endpoints: they validate and never write. A partner's report is checked by the
resident page's own form (`residents.forms.ReportForm`: the same lengths and messages), less what a
partner does not send (the consent box, photos) and with the phone optional."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from residents.choices import Category
from residents.forms import MOBILE, ReportForm

from .services import is_token

# Open311's names of the fields we take, and the form fields they fill.
FIELD_NAMES = {"service_code": "category", "description": "text", "address_string": "address", "phone": "phone",
               "lat": "lat", "long": "long"}
OPEN311_NAME = {v: k for k, v in FIELD_NAMES.items()} | {"name": "first_name/last_name", "__all__": ""}


class PartnerReportForm(ReportForm):
    consent = None
    photos = None
    show_name = None
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    lat = forms.DecimalField(label=_("纬度"), min_value=Decimal(-90), max_value=Decimal(90), required=False)
    long = forms.DecimalField(label=_("经度"), min_value=Decimal(-180), max_value=Decimal(180), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["invalid_choice"] = _("未知的 service_code,请从 services.json 中选择。")
        self.fields["category"].error_messages["required"] = _("请填写 service_code。")
        self.fields["text"].error_messages["required"] = _("请填写 description(反映内容)。")

    def clean_phone(self):
        phone = re.sub(r"[\s-]", "", self.cleaned_data["phone"] or "")
        phone = re.sub(r"^(\+?86)(?=1\d{10}$)", "", phone)
        if phone and not MOBILE.match(phone):
            raise forms.ValidationError(_("请填写 11 位手机号码。"))
        return phone

    def _coordinate(self, name):
        value = self.cleaned_data.get(name)
        return value.quantize(Decimal("0.000001")) if value is not None else None

    def clean_lat(self):
        return self._coordinate("lat")

    def clean_long(self):
        return self._coordinate("long")

    def clean(self):
        data = super().clean()
        lat, long = data.get("lat"), data.get("long")
        if (lat is None) != (long is None) and not self.has_error("lat") and not self.has_error("long"):
            raise forms.ValidationError(_("lat 和 long 须同时提供。"))
        if lat is None and not data.get("address") and not self.has_error("address") and not self.has_error("lat"):
            raise forms.ValidationError(_("请提供位置:lat 和 long,或 address_string。"))
        if lat is not None and not data.get("address"):
            # The handlers read the place as text; the coordinates are kept apart too.
            data["address"] = _("坐标 %(lat)s, %(long)s") % {"lat": lat, "long": long}
        return data


def _moment(value: str, *, end: bool) -> datetime.datetime:
    """A W3C / ISO 8601 time (2026-01-01T00:00:00+08:00, …Z) or a date (its start, or its end for end_date);
    a time without an offset is Beijing time."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise ValueError
            moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
    except (ValueError, OverflowError):
        raise forms.ValidationError(_("时间格式不正确,请使用 ISO 8601 格式,如 2026-01-01T00:00:00+08:00。")) from None
    if not 1900 <= moment.year <= 2100:
        raise forms.ValidationError(_("时间超出范围(1900-2100 年)。"))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class RequestsQueryForm(SafeFormMixin, forms.Form):
    """The filters of GET requests.json."""

    service_request_id = forms.CharField(required=False, max_length=5000)
    service_code = forms.CharField(required=False, max_length=500)
    start_date = forms.CharField(required=False, max_length=40)
    end_date = forms.CharField(required=False, max_length=40)
    status = forms.CharField(required=False, max_length=20)

    @staticmethod
    def _list(value) -> list[str]:
        return [v.strip() for v in (value or "").split(",") if v.strip()]

    def clean_service_request_id(self):
        ids = self._list(self.cleaned_data["service_request_id"])
        if len(ids) > 100:
            raise forms.ValidationError(_("service_request_id 一次最多 100 个。"))
        # An id that cannot be ours matches nothing (no lookup, no error: ids are not told apart).
        return [i for i in ids if is_token(i)] if ids else None

    def clean_service_code(self):
        codes = self._list(self.cleaned_data["service_code"])
        unknown = [c for c in codes if c not in Category.values]
        if unknown:
            raise forms.ValidationError(_("未知的 service_code,请从 services.json 中选择。"))
        return codes

    def clean_start_date(self):
        value = self.cleaned_data["start_date"].strip()
        return _moment(value, end=False) if value else None

    def clean_end_date(self):
        value = self.cleaned_data["end_date"].strip()
        return _moment(value, end=True) if value else None

    def clean_status(self):
        status = self._list(self.cleaned_data["status"].lower())
        if set(status) - {"open", "closed"}:
            raise forms.ValidationError(_("status 只能是 open 或 closed。"))
        return sorted(set(status))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and start > end:
            raise forms.ValidationError(_("start_date 不能晚于 end_date。"))
        return data
