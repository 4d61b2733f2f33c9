"""Forms of the actions on a suggestion's page (suggestions/actions.py). They validate only; the
services (suggestions/services.py) make the change and have the last word on every rule."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from petitions.files import validate_attachment
from units.models import HandlingUnit

from .choices import (
    NOT_ADOPTED_CLASSES,
    PLANNED_CLASSES,
    ConsultationForm,
    ConsultationLevel,
    Rating,
    RejectGround,
    ReplyClass,
)

TEXT = {"class": "form-control", "rows": 3}
INPUT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}
GIVEN = [(r.value, r.label) for r in (Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED)]


def _units():
    return HandlingUnit.objects.filter(is_active=True).order_by("name")


class CommentForm(SafeFormMixin, forms.Form):
    comment = forms.CharField(label=_("说明"), required=False, max_length=20000,
                              widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, label=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if label:
            self.fields["comment"].label = label


class CosignForm(SafeFormMixin, forms.Form):
    """A co-signer confirms (no field); staff choose whose paper signature they record."""

    deputy = forms.ModelChoiceField(label=_("录入纸质附议签名的代表"), queryset=None, required=False,
                                    widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, deputies=None, on_paper=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_paper = on_paper
        if on_paper:
            self.fields["deputy"].queryset = deputies
            self.fields["deputy"].required = True
        else:
            del self.fields["deputy"]


class MergeForm(SafeFormMixin, forms.Form):
    master = forms.ModelChoiceField(label=_("并入的建议(主件)"), queryset=None, widget=forms.Select(attrs=SELECT))
    comment = forms.CharField(label=_("说明"), required=False, max_length=20000, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, masters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["master"].queryset = masters
        self.fields["master"].label_from_instance = lambda s: f"{s.display_number or '—'} {s.title}"


class RejectForm(SafeFormMixin, forms.Form):
    ground = forms.ChoiceField(label=_("不予立案理由"), choices=RejectGround.choices, widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("说明(选择“其他”时必填)"), required=False, max_length=20000,
                             widget=forms.Textarea(attrs=TEXT))

    def clean(self):
        data = super().clean()
        if data.get("ground") == RejectGround.OTHER and not data.get("reason", "").strip():
            self.add_error("reason", _("选择“其他”时请写明不予立案的理由。"))
        return data


class AssignForm(SafeFormMixin, forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None, required=False,
                                       widget=forms.Select(attrs=SELECT))
    co_units = forms.ModelMultipleChoiceField(label=_("协办单位"), queryset=None, required=False,
                                              widget=forms.SelectMultiple(attrs=SELECT))
    split_units = forms.ModelMultipleChoiceField(label=_("分办单位(各自答复,与主办二选一)"), queryset=None,
                                                 required=False, widget=forms.SelectMultiple(attrs=SELECT))
    lead_leader = forms.CharField(label=_("领办领导"), required=False, max_length=50,
                                  widget=forms.TextInput(attrs=INPUT))
    supervising_committee = forms.CharField(label=_("督办工委"), required=False, max_length=50,
                                            widget=forms.TextInput(attrs=INPUT))
    key_supervision = forms.BooleanField(label=_("重点督办"), required=False,
                                         widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "co_units", "split_units"):
            self.fields[name].queryset = _units()

    def clean(self):
        data = super().clean()
        if not data.get("lead_unit") and not data.get("split_units"):
            self.add_error("lead_unit", _("请选择主办单位,或选择分办单位。"))
        return data


class ReasonForm(SafeFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=20000, widget=forms.Textarea(attrs=TEXT))


class ExtensionForm(SafeFormMixin, forms.Form):
    months = forms.IntegerField(label=_("延期月数"), min_value=1, max_value=3, widget=forms.NumberInput(attrs=INPUT))
    explanation = forms.CharField(label=_("书面说明"), max_length=20000, widget=forms.Textarea(attrs=TEXT))


class DecideForm(SafeFormMixin, forms.Form):
    approve = forms.TypedChoiceField(label=_("审批"), choices=[("1", _("同意")), ("0", _("不同意"))],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("审批意见"), required=False, max_length=20000, widget=forms.Textarea(attrs=TEXT))


class OpinionForm(SafeFormMixin, forms.Form):
    opinion = forms.CharField(label=_("协办意见"), max_length=20000, widget=forms.Textarea(attrs=TEXT))


class ConsultForm(SafeFormMixin, forms.Form):
    form = forms.ChoiceField(label=_("面商方式"), choices=ConsultationForm.choices, widget=forms.Select(attrs=SELECT))
    date = forms.DateField(label=_("面商日期"), required=False, widget=forms.DateInput(attrs=DATE))
    person_name = forms.CharField(label=_("面商人员"), required=False, max_length=30,
                                  widget=forms.TextInput(attrs=INPUT))
    person_level = forms.ChoiceField(label=_("面商人员级别"), required=False,
                                     choices=[("", "—"), *ConsultationLevel.choices], widget=forms.Select(attrs=SELECT))
    note = forms.CharField(label=_("情况说明"), required=False, max_length=20000, widget=forms.Textarea(attrs=TEXT))


class ConfirmConsultationForm(SafeFormMixin, forms.Form):
    consultation = forms.ModelChoiceField(label=_("面商记录"), queryset=None, widget=forms.Select(attrs=SELECT))
    agree = forms.TypedChoiceField(label=_("确认"), choices=[("1", _("情况属实")), ("0", _("有异议"))],
                                   coerce=lambda v: v == "1", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), required=False, max_length=20000, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, consultations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = consultations
        self.fields["consultation"].label_from_instance = (
            lambda c: f"{c.unit} · {c.get_form_display()} · {c.date or '—'}")


class ReplyForm(SafeFormMixin, forms.Form):
    """The fields of services.REPLY_FIELDS and the signed PDF; B/C need planned measures with a date,
    C/D a reason not adopted (the service checks the same)."""

    doc_number = forms.CharField(label=_("文号"), max_length=60, widget=forms.TextInput(attrs=INPUT))
    signer = forms.CharField(label=_("签发人"), max_length=30, widget=forms.TextInput(attrs=INPUT))
    contact_name = forms.CharField(label=_("联系人"), max_length=30, widget=forms.TextInput(attrs=INPUT))
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs=INPUT))
    reply_class = forms.ChoiceField(label=_("答复类别"), choices=(), widget=forms.Select(attrs=SELECT))
    body = forms.CharField(label=_("答复内容"), max_length=20000, widget=forms.Textarea(attrs=TEXT))
    adoption = forms.CharField(label=_("采纳情况"), required=False, max_length=20000, widget=forms.Textarea(attrs=TEXT))
    measures_done = forms.CharField(label=_("已采取措施"), required=False, max_length=20000,
                                    widget=forms.Textarea(attrs=TEXT))
    planned_measures = forms.CharField(label=_("计划措施(B、C 类必填)"), required=False, max_length=20000,
                                       widget=forms.Textarea(attrs=TEXT))
    planned_date = forms.DateField(label=_("计划完成日期(B、C 类必填)"), required=False,
                                   widget=forms.DateInput(attrs=DATE))
    not_adopted_reason = forms.CharField(label=_("未采纳理由(C、D 类必填)"), required=False, max_length=20000,
                                         widget=forms.Textarea(attrs=TEXT))
    co_opinions = forms.CharField(label=_("协办单位意见"), required=False, max_length=20000,
                                  widget=forms.Textarea(attrs=TEXT))
    signed_pdf = forms.FileField(label=_("签发件(PDF)"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf"}))

    def __init__(self, *args, class_d=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_class"].choices = [c for c in ReplyClass.choices if class_d or c[0] != ReplyClass.D]

    def clean_signed_pdf(self):
        f = self.cleaned_data.get("signed_pdf")
        if f:
            validate_attachment(f)
            if getattr(f, "xs_content_type", "") != "application/pdf":
                raise ValidationError(_("签发件须为 PDF 文件。"))
        return f

    def clean(self):
        data = super().clean()
        cls = data.get("reply_class")
        if cls in PLANNED_CLASSES:
            if not data.get("planned_measures", "").strip():
                self.add_error("planned_measures", _("B、C 类答复须填写计划措施。"))
            if not data.get("planned_date"):
                self.add_error("planned_date", _("B、C 类答复须填写计划完成日期。"))
        if cls in NOT_ADOPTED_CLASSES and not data.get("not_adopted_reason", "").strip():
            self.add_error("not_adopted_reason", _("C、D 类答复须写明未采纳理由。"))
        return data


class ChangeClassForm(SafeFormMixin, forms.Form):
    reply_class = forms.ChoiceField(label=_("调整为"), choices=ReplyClass.choices, widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("调整理由"), max_length=20000, widget=forms.Textarea(attrs=TEXT))


class EvaluateForm(SafeFormMixin, forms.Form):
    work_rating = forms.ChoiceField(label=_("对办理工作的评价"), choices=GIVEN, widget=forms.RadioSelect)
    result_rating = forms.ChoiceField(label=_("对办理结果的评价"), choices=GIVEN, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), required=False, max_length=20000, widget=forms.Textarea(attrs=TEXT))
