"""Forms for opinion items. They validate and never write; views hand cleaned_data to workflow.py."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.choices import AreaKind
from areas.models import Area
from deputies.models import Deputy
from units.models import HandlingUnit

from .choices import Category, Satisfaction, Source, Stage, State
from .files import MAX_FILES, validate_attachment
from .models import Item, ItemSettings

TEXT_MAX = 5000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once (photos from a phone); each checked by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx", "class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(n)s 个文件。"), params={"n": MAX_FILES})
        errors = []
        for f in files:
            super().clean(f, initial)
            try:
                validate_attachment(f)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class MonthField(forms.DateField):
    """A month as YYYY-MM (an <input type=month>), cleaned to the 1st of that month."""

    widget = forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def clean(self, value):
        day = super().clean(value)
        return day.replace(day=1) if day else None


def _text(label, *, required=True, max_length=TEXT_MAX, rows=3):
    return forms.CharField(label=label, required=required, max_length=max_length, strip=True,
                           widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}))


class ItemForm(forms.ModelForm):
    """Submit or edit an item: one column, big controls, works on a phone."""

    period = MonthField(label=_("计入月份"), required=False)
    content = forms.CharField(label=_("内容"), required=False, max_length=10000, strip=True,
                              widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
    co_deputies = forms.ModelMultipleChoiceField(
        label=_("联名代表"), required=False, queryset=Deputy.objects.none(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4}),
        help_text=_("可多选;按住 Ctrl 或在手机上点选。"))
    files = MultipleFileField(label=_("附件(照片、PDF、Office 文档)"))

    class Meta:
        model = Item
        fields = ["title", "content", "category", "area", "community", "address", "source", "period",
                  "co_deputies"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "form-control form-control-lg", "maxlength": 200}),
            "category": forms.Select(attrs={"class": "form-select"}),
            "area": forms.Select(attrs={"class": "form-select"}),
            "community": forms.Select(attrs={"class": "form-select"}),
            "address": forms.TextInput(attrs={"class": "form-control"}),
            "source": forms.Select(attrs={"class": "form-select"}),
        }

    def __init__(self, *args, user=None, deputy_choice=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.towns()
        self.fields["area"].label = _("所在街道/镇")
        self.fields["community"].queryset = Area.objects.filter(
            kind__in=[AreaKind.COMMUNITY, AreaKind.VILLAGE]).select_related("parent")
        self.fields["community"].label_from_instance = lambda a: a.full_name
        self.fields["co_deputies"].queryset = Deputy.objects.in_office().order_by("name_pinyin")
        if not self.instance.pk:
            self.initial.setdefault("period", timezone.localdate().replace(day=1))
        if deputy_choice:
            # Staff entering on a deputy's behalf (e.g. from a reception day): their scope only.
            self.fields["deputy"] = forms.ModelChoiceField(
                label=_("代表"), queryset=Deputy.objects.visible_to(user).in_office().order_by("name_pinyin"),
                widget=forms.Select(attrs={"class": "form-select"}))
            self.order_fields(["deputy"])

    def clean(self):
        data = super().clean()
        area, community = data.get("area"), data.get("community")
        if area and community and community.parent_id != area.pk:
            self.add_error("community", _("所选社区/村不属于该街道/镇。"))
        return data


class CommentForm(forms.Form):
    comment = _text(_("说明"))

    def __init__(self, *args, label=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["comment"].label = label
        self.fields["comment"].required = required


class ReplyForm(forms.Form):
    reply = _text(_("答复内容"), rows=5)
    files = MultipleFileField(label=_("附件"))


class ResultForm(forms.Form):
    result = _text(_("办理结果(答复代表的内容)"), rows=6)
    files = MultipleFileField(label=_("附件"))


class ProgressForm(forms.Form):
    comment = _text(_("进展情况(代表可以看到)"), rows=2)
    files = MultipleFileField(label=_("附件"))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("并入事项编号"), max_length=30,
                           widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "SQ2026-000123"}))
    comment = _text(_("合并说明"), required=False)

    def clean_into(self):
        raw = self.cleaned_data["into"].strip().upper()
        digits = raw.rsplit("-", 1)[-1]
        if not digits.isdigit():
            raise forms.ValidationError(_("请输入事项编号,如 SQ2026-000123。"))
        return int(digits)


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.active(),
                                       widget=forms.Select(attrs={"class": "form-select"}))
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), required=False, queryset=HandlingUnit.objects.active(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}))
    due_date = forms.DateField(label=_("办理期限"), required=False,
                               widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                               help_text=_("留空则按办理时限(工作日)自动计算。"))
    comment = _text(_("交办意见(送承办单位,不会显示给代表)"), required=False, rows=2)

    def clean(self):
        data = super().clean()
        lead, co = data.get("lead_unit"), data.get("co_units") or []
        if lead and lead in co:
            data["co_units"] = [u for u in co if u != lead]
        due = data.get("due_date")
        if due and due < timezone.localdate():
            self.add_error("due_date", _("办理期限不能早于今天。"))
        return data


class BulkAssignForm(AssignForm):
    items = forms.ModelMultipleChoiceField(label=_("事项"), queryset=Item.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, items_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items_qs if items_qs is not None else Item.objects.none()


class ExtensionRequestForm(forms.Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=120,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    reason = _text(_("延期理由"))


class DecideForm(forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(label=_("审批"), coerce=lambda v: v == "1",
                                     choices=[("1", _("同意")), ("0", _("不同意"))], widget=forms.RadioSelect)
    days = forms.IntegerField(label=_("同意延期工作日"), min_value=1, max_value=120, required=False,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    comment = _text(_("审批意见(不同意时必填)"), required=False, rows=2)


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("审核"), coerce=lambda v: v == "1",
                                     choices=[("1", _("通过,反馈代表")), ("0", _("退回重办"))],
                                     widget=forms.RadioSelect)
    comment = _text(_("审核意见(退回重办时必填;不会显示给代表)"), required=False, rows=2)


class EvaluateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("评价"), choices=Satisfaction.choices, widget=forms.RadioSelect(
        attrs={"class": "btn-check", "autocomplete": "off"}))
    comment = _text(_("评价意见(不满意时必填)"), required=False, rows=2)
    due_date = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("satisfaction") == Satisfaction.DISSATISFIED and not data.get("comment"):
            self.add_error("comment", _("不满意时请说明原因。"))
        return data


class ItemFilterForm(forms.Form):
    """The filters every list has: state, stage, area, unit, category, month, overdue, keyword."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("标题、内容、代表")}))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态"))] + State.choices,
                              widget=forms.Select(attrs={"class": "form-select"}))
    stage = forms.ChoiceField(label=_("环节"), required=False, choices=[("", _("全部环节"))] + Stage.choices,
                              widget=forms.Select(attrs={"class": "form-select"}))
    area = forms.ModelChoiceField(label=_("街道/镇"), required=False, queryset=Area.objects.towns(),
                                  empty_label=_("全部街道/镇"), widget=forms.Select(attrs={"class": "form-select"}))
    unit = forms.ModelChoiceField(label=_("承办单位"), required=False, queryset=HandlingUnit.objects.all(),
                                  empty_label=_("全部承办单位"), widget=forms.Select(attrs={"class": "form-select"}))
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部类别"))] + Category.choices,
                                 widget=forms.Select(attrs={"class": "form-select"}))
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", _("全部来源"))] + Source.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    month = MonthField(label=_("计入月份"), required=False)
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = HandlingUnit.objects.visible_to(user)


class ItemSettingsForm(forms.ModelForm):
    class Meta:
        model = ItemSettings
        fields = ["research_workdays", "handling_workdays", "extension_max_workdays", "evaluation_days",
                  "return_window_workdays", "due_soon_workdays"]
        widgets = {f: forms.NumberInput(attrs={"class": "form-control"}) for f in fields}


def default_due(today: datetime.date | None = None) -> datetime.date:
    from core.workdays import add_workdays

    return add_workdays(today or timezone.localdate(), ItemSettings.load().handling_workdays)
