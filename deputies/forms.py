"""Forms of the roster: the list filters, a deputy's data, a mandate, a home, the import upload."""

from __future__ import annotations

from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from areas.choices import AreaKind
from areas.models import Area
from core.forms import DATE_MIN, DateWithin, SafeFormMixin, today
from groups.models import DeputyGroup

from . import importing
from .choices import Gender, Level, MandateStatus, Party, SixHaves
from .models import CongressTerm, Deputy, DeputyHome, Mandate
from .selectors import SORTS

PER_PAGE = (25, 50, 100)


def scoped_areas(user):
    """The areas a user may put deputies in: everything for district staff, their subtree for area staff."""
    qs = Area.objects.exclude(kind=AreaKind.DISTRICT).select_related("parent")
    if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
        return qs
    if user.has_role(Role.AREA_STAFF) and user.area_id:
        return qs.filter(pk__in=Area.objects.subtree(user.area).values("pk"))
    return qs.none()


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class RosterFilterForm(SafeFormMixin, forms.Form):
    """The filter bar of the roster list. Invalid values are dropped, never an error page."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名、拼音首字母或工作单位"), "type": "search"}))
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *Level.choices])
    term = forms.ModelChoiceField(label=_("届次"), required=False, queryset=CongressTerm.objects.all(),
                                  empty_label=_("全部届次"))
    area = AreaChoiceField(label=_("区划"), required=False, queryset=Area.objects.none(), empty_label=_("全部区划"))
    group = forms.ModelChoiceField(label=_("代表小组"), required=False, queryset=DeputyGroup.objects.none(),
                                   empty_label=_("全部小组"))
    party = forms.ChoiceField(label=_("政治面貌"), required=False, choices=[("", _("政治面貌")), *Party.choices])
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=[("", _("性别")), *Gender.choices])
    ethnicity = forms.ChoiceField(label=_("民族"), required=False, choices=[("", _("民族"))])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *MandateStatus.choices])
    first_time = forms.ChoiceField(label=_("初任"), required=False,
                                   choices=[("", _("初任/连任")), ("1", _("初任")), ("0", _("非初任"))])
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[
        ("name", _("按姓名拼音")), ("-birth", _("年龄从小到大")), ("birth", _("年龄从大到小")),
        ("area", _("按区划")), ("-updated", _("最近更新"))])
    per_page = forms.TypedChoiceField(label=_("每页"), required=False, coerce=int, empty_value=25,
                                      choices=[(n, _("每页 %(n)d 名") % {"n": n}) for n in PER_PAGE])

    def __init__(self, *args, user, ethnicities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped_areas(user) if user.is_staff_role else Area.objects.exclude(
            kind=AreaKind.DISTRICT).select_related("parent")
        self.fields["group"].queryset = DeputyGroup.objects.visible_to(user)
        self.fields["ethnicity"].choices = [("", _("民族"))] + [(e, e) for e in ethnicities]

    def filters(self) -> dict:
        """The valid filters only: a bad value in the URL is ignored, not a 500."""
        self.is_valid()
        data = {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in (None, "")}
        if "first_time" in data:
            data["first_time"] = data["first_time"] == "1"
        if data.get("sort") not in SORTS:
            data.pop("sort", None)
        return data

    @property
    def has_filters(self) -> bool:
        return any(k not in ("sort", "per_page", "page") and v for k, v in self.data.items())

    def selects(self) -> list[tuple]:
        """(bound field, its value as text, choices) for every select of the filter bar. A model field's
        choices are read by one plain query: looping over `field.choices` in a template costs a COUNT and
        a server-side cursor for each of the three."""
        out = []
        for bound in self:
            if bound.name == "q":
                continue
            field = bound.field
            if isinstance(field, forms.ModelChoiceField):
                choices = [("", field.empty_label),
                           *((field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset)]
            else:
                choices = field.choices
            # str() as the template's stringformat did: an empty field ("None") selects no option.
            out.append((bound, str(bound.value()), [(str(v), label) for v, label in choices]))
        return out


class DeputyForm(SafeFormMixin, forms.ModelForm):
    """A person's data. Mobile and ID numbers are checked as the import checks them."""

    class Meta:
        model = Deputy
        fields = ["name", "gender", "ethnicity", "birth_date", "party", "education", "workplace", "occupation",
                  "mobile", "id_number", "area", "note"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].validators.append(DateWithin(DATE_MIN, today))  # not born tomorrow
        self.fields["area"] = AreaChoiceField(label=_("所属区划"), queryset=scoped_areas(user), required=False)
        if self.instance.pk and self.instance.area_id:
            self.fields["area"].queryset = (scoped_areas(user) | Area.objects.filter(pk=self.instance.area_id)).distinct()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-4"), Column("gender", css_class="col-md-2"),
                Column("ethnicity", css_class="col-md-2"), Column("birth_date", css_class="col-md-4")),
            Row(Column("party", css_class="col-md-4"), Column("education", css_class="col-md-4"),
                Column("occupation", css_class="col-md-4")),
            "workplace",
            Row(Column("mobile", css_class="col-md-4"), Column("id_number", css_class="col-md-4"),
                Column("area", css_class="col-md-4")),
            "note",
        )

    def clean_name(self):
        name = importing.clean_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("姓名不能为空"))
        return name

    def clean_mobile(self):
        try:
            return importing.parse_mobile(self.cleaned_data["mobile"])
        except importing.Refused as exc:
            raise forms.ValidationError(str(exc))

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        try:
            id_number, self._id_birth, self._id_gender = importing.parse_id_number(value)
        except importing.Refused as exc:
            raise forms.ValidationError(str(exc))
        if id_number and Deputy.objects.filter(id_number=id_number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("已有代表使用这个身份证号"))
        return id_number

    def clean(self):
        data = super().clean()
        birth = data.get("birth_date")
        if data.get("id_number") and getattr(self, "_id_birth", None):
            if birth and (birth.year, birth.month) != (self._id_birth.year, self._id_birth.month):
                self.add_error("birth_date", _("与身份证号中的出生日期不一致"))
            if data.get("gender") and data["gender"] != self._id_gender:
                self.add_error("gender", _("与身份证号显示的性别不一致"))
        return data

    def person_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MandateForm(SafeFormMixin, forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["term", "constituency", "area", "start_date", "end_date", "status", "is_first_time"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, deputy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deputy = deputy
        self.fields["area"] = AreaChoiceField(label=_("所属区划"), queryset=scoped_areas(user))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("term", css_class="col-md-4"), Column("area", css_class="col-md-4"),
                Column("constituency", css_class="col-md-4")),
            Row(Column("start_date", css_class="col-md-4"), Column("end_date", css_class="col-md-4"),
                Column("status", css_class="col-md-4")),
            "is_first_time",
        )

    def clean(self):
        data = super().clean()
        term = data.get("term")
        if self.deputy is not None and term is not None:
            clash = Mandate.objects.filter(deputy=self.deputy, term=term).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("term", _("该代表已有这一届的代表资格"))
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("终止日期不能早于起始日期"))
        return data

    def mandate_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DeputyHomeForm(SafeFormMixin, forms.ModelForm):
    six_haves = forms.MultipleChoiceField(label=_("“六有”达标项"), choices=SixHaves.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = DeputyHome
        fields = ["name", "kind", "area", "address", "contact_name", "contact_phone", "reception_days", "six_haves"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(label=_("所属区划"), queryset=scoped_areas(user))
        self.helper = FormHelper()
        self.helper.form_tag = False

    def home_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RosterImportForm(SafeFormMixin, forms.Form):
    file = forms.FileField(label=_("名册文件"), help_text=_("Excel 工作簿(.xlsx)或 CSV 文件,第一行为表头。"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in (".xlsx", ".csv", ".xls"):
            raise forms.ValidationError(_("只能上传 .xlsx 或 .csv 文件。"))
        try:
            importing.check_size(upload.size)
        except importing.ImportFileError as exc:
            raise forms.ValidationError(str(exc))
        return upload
