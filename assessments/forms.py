"""Forms validate and never write."""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from activities.choices import ActivityKind
from core.forms import SafeFormMixin

from .choices import SUGGESTION_BASES, Half, RuleBasis
from .models import AssessmentRule, GradeLevel


class ComputeForm(SafeFormMixin, forms.Form):
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100,
                              initial=lambda: datetime.date.today().year)
    top_share_percent = forms.IntegerField(label=_("优秀比例上限(%)"), min_value=0, max_value=100, required=False,
                                           help_text=_("留空不限。"))


class SettingsForm(SafeFormMixin, forms.Form):
    top_share_percent = forms.IntegerField(label=_("优秀比例上限(%)"), min_value=0, max_value=100, required=False)
    near_margin = forms.DecimalField(label=_("临界分差"), min_value=Decimal("0"), max_value=Decimal("100"),
                                     decimal_places=2)


class AdjustForm(SafeFormMixin, forms.Form):
    delta = forms.DecimalField(label=_("调整分值(加分填正数,减分填负数)"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError(_("调整分值不能为 0。"))
        return delta

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 4:
            raise forms.ValidationError(_("请写明调整理由(至少 4 个字)。"))
        return reason


class RuleForm(SafeFormMixin, forms.ModelForm):
    class Meta:
        model = AssessmentRule
        fields = ["name", "basis", "activity_kind", "points", "max_count", "max_points", "sort", "is_active"]

    def clean(self):
        data = super().clean()
        if data.get("basis") == RuleBasis.ACTIVITY and not data.get("activity_kind"):
            self.add_error("activity_kind", _("“参加履职活动”规则须选择活动类型。"))
        if data.get("basis") in (RuleBasis.ITEM_SUBMITTED, RuleBasis.ITEM_SATISFIED) and data.get("activity_kind"):
            self.add_error("activity_kind", _("社情民意规则不需要选择活动类型。"))
        if data.get("basis") in SUGGESTION_BASES and data.get("activity_kind"):
            self.add_error("activity_kind", _("代表建议规则不需要选择活动类型。"))
        return data

    def save(self, commit=True):  # pragma: no cover - the view calls the service instead
        raise NotImplementedError("use services.rule_save")


class GradeForm(SafeFormMixin, forms.ModelForm):
    class Meta:
        model = GradeLevel
        fields = ["name", "min_score", "sort", "is_capped"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A score is never negative, and no rule set reaches 1000 points.
        self.fields["min_score"].validators += [MinValueValidator(0), MaxValueValidator(1000)]

    def save(self, commit=True):  # pragma: no cover
        raise NotImplementedError("use services.grade_save")


class SupervisionForm(SafeFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("半年"), choices=Half.choices, coerce=int)


KIND_LABELS = dict(ActivityKind.choices)
