"""The period picker of the dashboards (GET parameters; forms validate and never write)."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from deputies.choices import Level
from deputies.models import CongressTerm

from .periods import Period, PeriodKind


def default_threshold() -> int:
    return int(getattr(settings, "DASHBOARD_LOW_COMPLETION_THRESHOLD", 80))


class PeriodForm(SafeFormMixin, forms.Form):
    """period=month|quarter|year|term|range with year, month, quarter or from/to."""

    period = forms.ChoiceField(label=_("统计期间"), choices=PeriodKind.CHOICES, required=False)
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label=_("季度"), min_value=1, max_value=4, required=False)
    start = forms.DateField(label=_("起始日期"), required=False)
    end = forms.DateField(label=_("截止日期"), required=False)
    threshold = forms.IntegerField(label=_("办结率预警线(%)"), min_value=0, max_value=100, required=False)

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        # from / to are the public names (Python keywords cannot be field names).
        if "from" in data:
            data["start"] = data.get("from")
        if "to" in data:
            data["end"] = data.get("to")
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期。"))
        return data

    def get_period(self, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or (PeriodKind.RANGE if data.get("start") and data.get("end") else PeriodKind.YEAR)
        year = data.get("year") or today.year
        # The page shows only the controls of the chosen kind, so a kind just switched to (without
        # JavaScript: choose, then 查询) starts from the fields of the kind before it.
        month, quarter = data.get("month"), data.get("quarter")
        if kind == PeriodKind.MONTH:
            return Period.month(year, month or (3 * quarter - 2 if quarter else today.month))
        if kind == PeriodKind.QUARTER:
            return Period.quarter(year, quarter or ((month or today.month) - 1) // 3 + 1)
        if kind == PeriodKind.TERM:
            return current_term_period(today)
        if kind == PeriodKind.RANGE:
            if data.get("start") and data.get("end"):
                return Period(data["start"], data["end"])
            base = (Period.month(year, month) if month else Period.quarter(year, quarter) if quarter
                    else Period.year(year))
            return Period(base.start, base.end)
        return Period.year(data.get("year") or (data["start"].year if data.get("start") else today.year))

    def get_threshold(self) -> int:
        value = self.cleaned_data.get("threshold") if self.is_valid() else None
        return default_threshold() if value is None else value


class DeputyPickForm(SafeFormMixin, forms.Form):
    """The deputy picker's typed text (代表): a name, full pinyin or pinyin initials (deputies/search.py)."""

    deputy_name = forms.CharField(
        label=_("代表"), max_length=30, required=False,
        error_messages={"max_length": _("请输入不超过 %(limit_value)d 个字的姓名或拼音。"),
                        "null_characters_not_allowed": _("输入含有无效字符。")})


def current_term_period(today: datetime.date) -> Period:
    """The whole current district term (区人大本届), five years from its start year."""
    term = CongressTerm.objects.filter(level=Level.DISTRICT, is_current=True).order_by("-number").first()
    start = (term.start_year if term and term.start_year else today.year - 4)
    end = (term.end_year if term and term.end_year else start + 4)
    years = {"start": start, "end": end}
    label = _("%(term)s(%(start)s—%(end)s年)") % {"term": term, **years} if term else _("%(start)s—%(end)s年") % years
    return Period.term(start, end, label)
