"""Forms for opinion items. They validate and never write; views hand cleaned_data to workflow.py."""

from __future__ import annotations

import datetime
import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.choices import AreaKind
from areas.models import Area
from core.forms import EARLIEST_WORK_DATE, DateWithin, SafeFormMixin, years_from_today
from deputies.models import Deputy
from units.models import HandlingUnit

from . import selectors
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


# What item_submit (workflow.py) refuses to submit without, beside the title every draft has: marked
# required on the form and checked there first, so a refused submit points at the fields themselves.
SUBMIT_REQUIRED = ("title", "content", "category", "area")
# Names typed into the co-signer box and submitted without choosing (no JavaScript): 张伟、zq 刘芳
_NAME_SEPARATORS = re.compile(r"[\s,，、;；]+")


def filer_pool(user):
    """The deputies staff may file an item for: in office and in their scope."""
    return Deputy.objects.visible_to(user).in_office()


def deputy_town(deputy):
    """The town (街道/镇) a deputy belongs to, for the item form's default area: their own area's
    town, else the town of an in-office mandate."""
    if deputy is None:
        return None
    if deputy.area_id and deputy.area.town() is not None:
        return deputy.area.town()
    from deputies.choices import MandateStatus

    for mandate in deputy.mandates.filter(status=MandateStatus.IN_OFFICE).select_related("area"):
        if mandate.area.town() is not None:
            return mandate.area.town()
    return None


class ItemForm(SafeFormMixin, forms.ModelForm):
    """Submit or edit an item: one column, big controls, works on a phone. A draft needs only a title;
    submitting (`submitting=True`) needs every SUBMIT_REQUIRED field, and each missing one is marked."""

    period = MonthField(label=_("计入月份"), required=False,
                        validators=[DateWithin(EARLIEST_WORK_DATE, years_from_today(1))])
    content = forms.CharField(label=_("内容"), required=False, max_length=10000, strip=True,
                              widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}))
    co_deputies = forms.ModelMultipleChoiceField(
        label=_("联名代表"), required=False, queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    co_deputy_name = forms.CharField(
        label=_("查找联名代表"), required=False, max_length=100, strip=True,
        help_text=_("输入姓名或拼音首字母(如 zw)后选择;可联名多位代表。"),
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search", "autocomplete": "off",
                                      "placeholder": _("姓名或拼音首字母,如 zw")}))
    files = MultipleFileField(label=_("附件(照片、PDF、Office 文档)"))
    # One submission per new-item form: a fresh one-time token each time the empty form is shown, kept
    # when the form comes back with errors; workflow.item_create refuses a token already used.
    submission_token = forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)

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

    def __init__(self, *args, user=None, deputy_choice=False, deputy=None, submitting=False, finding=False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        # finding: the no-JavaScript 查找 button, which only resolves the typed co-signer names.
        self.user, self.submitting, self.finding = user, submitting and not finding, finding
        # Who files the item: not offered as their own co-signer (workflow drops them anyway).
        self.filer = deputy or (self.instance.deputy if self.instance.pk else None)
        self.fields["area"].queryset = Area.objects.towns()
        self.fields["area"].label = _("所在街道/镇")
        self.fields["community"].queryset = Area.objects.filter(
            kind__in=[AreaKind.COMMUNITY, AreaKind.VILLAGE]).select_related("parent")
        self.fields["community"].label_from_instance = lambda a: a.full_name
        self.fields["co_deputies"].queryset = (selectors.co_signers(user) if user is not None
                                               else Deputy.objects.none()).order_by("name_pinyin")
        self.co_deputy_candidates: list = []  # several deputies match a typed name: the person chooses
        self._co_resolved: list = []
        if not self.instance.pk:
            self.initial.setdefault("period", timezone.localdate().replace(day=1))
            # The deputy's own town: most items are about where they live and work.
            town = deputy_town(deputy) if deputy is not None else (
                user.area.town() if user is not None and getattr(user, "area_id", None) else None)
            if town is not None:
                self.initial.setdefault("area", town.pk)
        self.deputy_candidates: list = []  # staff: several deputies match the typed name
        if deputy_choice:
            # Staff entering on a deputy's behalf (e.g. from a reception day): their scope only, chosen
            # through a search (the roster is never rendered whole: issue 16, the form stays small).
            self.deputy_pool = filer_pool(user)
            self.fields["deputy"] = forms.ModelChoiceField(
                label=_("代表"), required=False, queryset=self.deputy_pool, widget=forms.HiddenInput)
            self.fields["deputy_name"] = forms.CharField(
                label=_("查找代表"), required=False, max_length=30, strip=True,
                help_text=_("输入姓名或拼音首字母(如 lf)后选择。"))
            self.order_fields(["deputy", "deputy_name"])
        if self.instance.pk:
            del self.fields["submission_token"]  # editing: the item exists already
        else:
            self.fields["submission_token"].initial = uuid.uuid4().hex
        self.fields["area"].empty_label = _("请选择街道/镇")
        self.fields["community"].empty_label = _("请选择社区/村(可不选)")
        self.fields["category"].choices = [("", _("请选择类别"))] + [
            c for c in self.fields["category"].choices if c[0]]
        for name in (*SUBMIT_REQUIRED, "deputy"):
            if name in self.fields:
                self.fields[name].submit_required = True
                self.fields[name].widget.attrs.update({"required": True, "aria-required": "true"})

    def clean_submission_token(self):
        """The token as a UUID, or None (no token: a non-browser caller; a mangled one is ignored)."""
        try:
            return uuid.UUID(self.cleaned_data.get("submission_token") or "")
        except ValueError:
            return None

    def clean(self):
        data = super().clean()
        area, community = data.get("area"), data.get("community")
        if area and community and community.parent_id != area.pk:
            self.add_error("community", _("所选社区/村不属于该街道/镇。"))
        if "deputy" in self.fields:
            self._resolve_filer(data)
        self._resolve_typed_names(data)
        if self.submitting:
            for name in SUBMIT_REQUIRED:
                if name not in self.errors and not data.get(name):
                    self.add_error(name, _("提交前请填写此项。"))
        return data

    def _resolve_filer(self, data):
        """Staff: the deputy chosen (id), else the only in-scope match of the typed name; several
        matches (two 张伟) become radio buttons to choose from."""
        text = data.get("deputy_name") or ""
        if data.get("deputy") is None and text:
            data["deputy"], self.deputy_candidates = selectors.deputy_typed(self.user, text, pool=self.deputy_pool)
            if self.deputy_candidates:
                self.add_error("deputy_name", _("有多位代表与“%(name)s”匹配,请在下面选择。") % {"name": text})
            elif data["deputy"] is None:
                self.add_error("deputy_name", _("没有找到在任代表“%(names)s”。") % {"names": text})
        if data.get("deputy") is None and "deputy_name" not in self.errors:
            self.add_error("deputy", _("请选择代表。"))

    def chosen_deputy(self):
        """Staff: the deputy the item is filed for as chosen so far (with `.label`), or None."""
        if "deputy" not in self.fields:
            return None
        deputy = (self.cleaned_data.get("deputy") if hasattr(self, "cleaned_data") else None)
        if deputy is None:
            raw = self.data.get(self.add_prefix("deputy")) if self.is_bound else self.initial.get("deputy")
            raw = getattr(raw, "pk", raw)
            if not str(raw or "").isdigit():
                return None
            deputy = self.deputy_pool.filter(pk=int(raw)).first()
        if deputy is None:
            return None
        chosen = selectors.co_signers_chosen(self.user, [deputy.pk], pool=self.deputy_pool)
        return chosen[0] if chosen else None

    def _resolve_typed_names(self, data):
        """Names typed into the co-signer box but not chosen from the list (no JavaScript, or typed and
        submitted): one match is taken; none, or several (two 张伟), is an error with the candidates."""
        text = data.get("co_deputy_name") or ""
        chosen = list(data.get("co_deputies") or [])
        filer = data.get("deputy") or self.filer
        unresolved, ambiguous = [], []
        for token in (t for t in _NAME_SEPARATORS.split(text) if t):
            found = selectors.co_signer_candidates(
                self.user, token, exclude=[d.pk for d in chosen] + ([filer.pk] if filer else []))
            if len(found) == 1:
                chosen.append(found[0])
                self._co_resolved.append(found[0])
            elif not found:
                unresolved.append(token)
            else:
                ambiguous.append(token)
                self.co_deputy_candidates.extend(d for d in found[:selectors.CO_SIGNER_LIMIT]
                                                 if d not in self.co_deputy_candidates)
        data["co_deputies"] = chosen
        self._co_left = unresolved  # an ambiguous name becomes the checkboxes below, not text to resolve again
        if unresolved:
            self.add_error("co_deputy_name", _("没有找到在任代表“%(names)s”。") % {"names": "、".join(unresolved)})
        if ambiguous:
            self.add_error("co_deputy_name", _("有多位代表与“%(names)s”匹配,请在下面勾选:") % {
                "names": "、".join(ambiguous)})

    def full_clean(self):
        super().full_clean()
        if self.finding and self._errors is not None:
            # Looking names up is not saving: only what the look-up found wrong is shown.
            self._errors = type(self._errors)({k: v for k, v in self._errors.items()
                                               if k.startswith("co_deputy") or k == "deputy_name"})
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    def chosen_co_deputies(self) -> list:
        """The co-signers to show as chosen: what was submitted (and any typed name resolved), or the
        item's own on an edit."""
        if self.user is None:
            return []
        if self.is_bound:
            pks = self.data.getlist(self.add_prefix("co_deputies")) if hasattr(self.data, "getlist") else []
            pks = [*pks, *(d.pk for d in self._co_resolved)]
        else:
            pks = [getattr(d, "pk", d) for d in self.initial.get("co_deputies") or []]
        return selectors.co_signers_chosen(self.user, pks)

    def co_deputy_text_left(self) -> str:
        """What stays in the co-signer box on a re-rendered form: the names not yet resolved."""
        if not self.is_bound:
            return ""
        if hasattr(self, "_co_left"):
            return " ".join(self._co_left)
        return self.data.get(self.add_prefix("co_deputy_name"), "")[:100]


class CoSignerSearchForm(SafeFormMixin, forms.Form):
    """The co-signer picker's query: the typed text; the deputies already chosen (`co_deputies` ids,
    any list: it only narrows the answer) are left out."""

    co_deputy_name = forms.CharField(required=False, max_length=30, strip=True,
                                     error_messages={"max_length": _("请输入不超过 30 个字的姓名或拼音。")})

    def clean(self):
        data = super().clean()
        data["co_deputies"] = [int(v) for v in self.data.getlist("co_deputies") if v.isdigit()][:100]
        # The deputy the item is filed for (staff entering on their behalf), left out too.
        deputy = self.data.get("deputy", "")
        data["deputy"] = int(deputy) if deputy.isdigit() else None
        return data


class CommentForm(SafeFormMixin, forms.Form):
    comment = _text(_("说明"))

    def __init__(self, *args, label=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["comment"].label = label
        self.fields["comment"].required = required


class ReplyForm(SafeFormMixin, forms.Form):
    reply = _text(_("答复内容"), rows=5)
    files = MultipleFileField(label=_("附件"))


class ResultForm(SafeFormMixin, forms.Form):
    result = _text(_("办理结果(答复代表的内容)"), rows=6)
    files = MultipleFileField(label=_("附件"))


class ProgressForm(SafeFormMixin, forms.Form):
    comment = _text(_("进展情况(代表可以看到)"), rows=2)
    files = MultipleFileField(label=_("附件"))


class MergeForm(SafeFormMixin, forms.Form):
    into = forms.CharField(label=_("并入事项编号"), max_length=30,
                           widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "SQ2026-000123"}))
    comment = _text(_("合并说明"), required=False)

    def clean_into(self):
        raw = self.cleaned_data["into"].strip().upper()
        digits = raw.rsplit("-", 1)[-1]
        if not digits.isdigit():
            raise forms.ValidationError(_("请输入事项编号,如 SQ2026-000123。"))
        return int(digits)


class AssignForm(SafeFormMixin, forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.active(),
                                       widget=forms.Select(attrs={"class": "form-select"}))
    co_units = forms.ModelMultipleChoiceField(
        label=_("协办单位"), required=False, queryset=HandlingUnit.objects.active(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}))
    due_date = forms.DateField(label=_("办理期限"), required=False,
                               widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                               help_text=_("留空则按办理时限(工作日)自动计算。"),
                               validators=[DateWithin(None, years_from_today(2))])
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
    items = forms.ModelMultipleChoiceField(
        label=_("事项"), queryset=Item.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少勾选一件事项。"),
                        "invalid_choice": _("所选事项中有已不在待研处的(可能刚被同事处理),请核对后重新提交。"),
                        "invalid_pk_value": _("所选事项无效,请刷新页面后重新选择。")})

    def __init__(self, *args, items_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items_qs if items_qs is not None else Item.objects.none()


class ExtensionRequestForm(SafeFormMixin, forms.Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=120,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    reason = _text(_("延期理由"))


class DecideForm(SafeFormMixin, forms.Form):
    request = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(label=_("审批"), coerce=lambda v: v == "1",
                                     choices=[("1", _("同意")), ("0", _("不同意"))], widget=forms.RadioSelect)
    days = forms.IntegerField(label=_("同意延期工作日"), min_value=1, max_value=120, required=False,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    comment = _text(_("审批意见(不同意时必填)"), required=False, rows=2)


class ReviewForm(SafeFormMixin, forms.Form):
    approve = forms.TypedChoiceField(label=_("审核"), coerce=lambda v: v == "1",
                                     choices=[("1", _("通过,反馈代表")), ("0", _("退回重办"))],
                                     widget=forms.RadioSelect)
    comment = _text(_("审核意见(退回重办时必填;不会显示给代表)"), required=False, rows=2)


class EvaluateForm(SafeFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("评价"), choices=Satisfaction.choices, widget=forms.RadioSelect(
        attrs={"class": "btn-check", "autocomplete": "off"}))
    comment = _text(_("评价意见(不满意时必填)"), required=False, rows=2)
    due_date = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("satisfaction") == Satisfaction.DISSATISFIED and not data.get("comment"):
            self.add_error("comment", _("不满意时请说明原因。"))
        return data


class ItemFilterForm(SafeFormMixin, forms.Form):
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


class DeputyItemFilterForm(SafeFormMixin, forms.Form):
    """A deputy's own lists (我的社情民意, 待评价): state and month only, usable on a phone."""

    state = ItemFilterForm.base_fields["state"]
    month = ItemFilterForm.base_fields["month"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ItemSettingsForm(SafeFormMixin, forms.ModelForm):
    class Meta:
        model = ItemSettings
        fields = ["research_workdays", "handling_workdays", "extension_max_workdays", "evaluation_days",
                  "return_window_workdays", "due_soon_workdays"]
        widgets = {f: forms.NumberInput(attrs={"class": "form-control"}) for f in fields}


def default_due(today: datetime.date | None = None) -> datetime.date:
    from core.loops import due_in_workdays

    return due_in_workdays(today or timezone.localdate(), ItemSettings.load().handling_workdays)
