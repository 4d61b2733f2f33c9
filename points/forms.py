"""Forms validate and never write."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from petitions.forms import MultipleFileField

from .choices import Basis, Quarter
from .models import Line, PointRule


def _this_quarter():
    return (timezone.localdate().month - 1) // 3 + 1


class ComputeForm(SafeFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=Quarter.choices, coerce=int, initial=_this_quarter)


class ClaimForm(SafeFormMixin, forms.Form):
    rule = forms.ModelChoiceField(label=_("申报项目"), queryset=PointRule.objects.none(), empty_label=None)
    date = forms.DateField(label=_("履职日期"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("履职情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("写明时间、地点、内容,例如参加的培训名称和主办单位。"))
    files = MultipleFileField(label=_("证明材料(照片或 PDF,必填)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = PointRule.objects.filter(is_active=True, basis=Basis.SELF_REPORT)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("履职日期不能晚于今天。"))
        if date < datetime.date(2000, 1, 1):
            raise forms.ValidationError(_("请填写正确的履职日期。"))
        return date

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if not files:
            raise forms.ValidationError(_("请上传证明材料(照片或 PDF)。"))
        return files


class ReviewForm(SafeFormMixin, forms.Form):
    reason = forms.CharField(label=_("审核意见"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RefuseForm(SafeFormMixin, forms.Form):
    reason = forms.CharField(label=_("不予通过的理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(SafeFormMixin, forms.Form):
    line = forms.ModelChoiceField(label=_("要更正的积分明细"), queryset=Line.objects.none(), required=False,
                                  empty_label=_("(遗漏的履职记录,见下一栏)"))
    missing = forms.CharField(label=_("遗漏的履职记录"), max_length=200, required=False,
                              help_text=_("积分明细中没有的记录,例如“2026-03-12 参加区人大代表培训”。"))
    reason = forms.CharField(label=_("申请理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("证明材料(照片或 PDF)"))

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines if lines is not None else Line.objects.none()
        self.fields["line"].label_from_instance = lambda line: f"{line.rule_name}({line.count} 条/次,{line.points} 分)"

    def clean(self):
        data = super().clean()
        if not data.get("line") and not (data.get("missing") or "").strip():
            raise forms.ValidationError(_("请选择要更正的积分明细,或写明遗漏的履职记录。"))
        return data


class AcceptForm(SafeFormMixin, forms.Form):
    delta = forms.DecimalField(label=_("更正分值(加分填正数,扣分填负数)"), max_digits=6, decimal_places=2,
                               min_value=Decimal("-100"), max_value=Decimal("100"))
    answer = forms.CharField(label=_("更正说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError(_("更正分值不能为 0。"))
        return delta


class AnswerRefuseForm(SafeFormMixin, forms.Form):
    answer = forms.CharField(label=_("不予更正的理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
