"""Forms of the suggestion pages: for now the list's filters (会议, 状态, 主办单位, 标题/编号)."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from units.models import HandlingUnit

from .choices import REPLYING_ROLES, State
from .models import Session, SuggestionUnit
from .selectors import FIGURE_LABELS, UNIT_FIGURES, figure_queryset


class SuggestionFilterForm(SafeFormMixin, forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("案由或编号")}))
    session = forms.ModelChoiceField(label=_("会议"), required=False, queryset=Session.objects.all(),
                                     empty_label=_("全部会议"), widget=forms.Select(attrs={"class": "form-select"}))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态"))] + State.choices,
                              widget=forms.Select(attrs={"class": "form-select"}))
    unit = forms.ModelChoiceField(label=_("主办单位"), required=False, queryset=HandlingUnit.objects.all(),
                                  empty_label=_("全部主办单位"), widget=forms.Select(attrs={"class": "form-select"}))
    # The session report's drill-down: exactly the suggestions a figure counts (needs `session`), of the
    # session or of one unit's row (the unit replies in any round).
    figure = forms.ChoiceField(label=_("统计口径"), required=False,
                               choices=lambda: [("", _("全部"))] + list(FIGURE_LABELS.items()),
                               widget=forms.Select(attrs={"class": "form-select"}))
    figure_unit = forms.ModelChoiceField(label=_("承办单位(任一轮)"), required=False,
                                         queryset=HandlingUnit.objects.all(), empty_label=_("全部承办单位"),
                                         widget=forms.Select(attrs={"class": "form-select"}))

    def clean(self):
        data = super().clean()
        if data.get("figure") and not data.get("session"):
            self.add_error("figure", _("请先选择会议,统计口径按会议计算。"))
        if data.get("figure_unit") and data.get("figure") not in UNIT_FIGURES:
            self.add_error("figure_unit", _("该统计口径不按承办单位计算。"))
        return data

    def filter(self, qs):
        """The suggestions of `qs` that match the valid filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("session"):
            qs = qs.filter(session=data["session"])
            if data.get("figure"):
                qs = qs.filter(pk__in=figure_queryset(data["session"], data["figure"], data.get("figure_unit"))
                               .values("pk"))
        if data.get("state"):
            qs = qs.filter(state=data["state"])
        if data.get("unit"):
            qs = qs.filter(Exists(SuggestionUnit.objects.filter(
                suggestion=OuterRef("pk"), unit=data["unit"], role__in=REPLYING_ROLES, is_current=True,
                cancelled_at__isnull=True)))
        q = (data.get("q") or "").strip()
        if q:
            cond = Q(title__icontains=q)
            digits = re.sub(r"\D", "", q)
            if digits and len(digits) <= 9:
                cond |= Q(number=int(digits))
            qs = qs.filter(cond)
        return qs
