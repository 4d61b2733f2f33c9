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


class SuggestionFilterForm(SafeFormMixin, forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("案由或编号")}))
    session = forms.ModelChoiceField(label=_("会议"), required=False, queryset=Session.objects.all(),
                                     empty_label=_("全部会议"), widget=forms.Select(attrs={"class": "form-select"}))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态"))] + State.choices,
                              widget=forms.Select(attrs={"class": "form-select"}))
    unit = forms.ModelChoiceField(label=_("主办单位"), required=False, queryset=HandlingUnit.objects.all(),
                                  empty_label=_("全部主办单位"), widget=forms.Select(attrs={"class": "form-select"}))

    def filter(self, qs):
        """The suggestions of `qs` that match the valid filters (an invalid form filters nothing)."""
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("session"):
            qs = qs.filter(session=data["session"])
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
