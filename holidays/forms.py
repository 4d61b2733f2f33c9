"""Forms of the holiday schedule: one entry (节假日 or 调休上班), the year to open, the import upload.
They validate through holidays.rules (the same rules the services re-check) and never write."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin

from . import importing
from .choices import EntryKind
from .models import CalendarEntry
from .rules import MAX_YEAR, MIN_YEAR, Entry, entry_problems
from .selectors import stored_entries

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryForm(SafeFormMixin, forms.Form):
    """A holiday range or adjusted working days for one year's schedule."""

    kind = forms.ChoiceField(label=_("类型"), choices=EntryKind.choices, initial=EntryKind.HOLIDAY)
    name = forms.CharField(label=_("名称"), max_length=30, help_text=_("如 元旦、春节、国庆节;调休上班可写“春节调休”"),
                           error_messages={"required": _("请填写名称,如 元旦、春节"),
                                           "max_length": _("名称最多 30 个字")})
    start = forms.DateField(label=_("开始日期"), widget=DATE_INPUT,
                            error_messages={"required": _("请填写开始日期"), "invalid": _("请填写有效的日期,如 2027-01-01")})
    end = forms.DateField(label=_("结束日期"), widget=DATE_INPUT, required=False,
                          help_text=_("只有一天时可不填"),
                          error_messages={"invalid": _("请填写有效的日期,如 2027-01-01")})

    def __init__(self, *args, year: int, entry: CalendarEntry | None = None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {"kind": entry.kind, "name": entry.name, "start": entry.start, "end": entry.end}
        super().__init__(*args, **kwargs)
        self.year, self.entry = year, entry
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("kind", css_class="col-12 col-sm-6"),
                                        Column("name", css_class="col-12 col-sm-6")),
                                    Row(Column("start", css_class="col-6"), Column("end", css_class="col-6")))

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("start"):
            return data
        if not data.get("end"):
            data["end"] = data["start"]
        stored = stored_entries()
        entry = Entry(kind=data["kind"], name=data["name"], start=data["start"], end=data["end"],
                      pk=self.entry.pk if self.entry else None)
        for field, message in entry_problems(self.year, entry, stored):
            self.add_error(field, message)
        return data

    def entry_data(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("kind", "name", "start", "end")}


class YearForm(SafeFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=MIN_YEAR, max_value=MAX_YEAR,
                              error_messages={"required": _("请填写年份"), "invalid": _("年份应是四位数字,如 2027"),
                                              "min_value": _("年份不能早于 %(limit_value)s"),
                                              "max_value": _("年份不能晚于 %(limit_value)s")})


class ImportForm(SafeFormMixin, forms.Form):
    file = forms.FileField(label=_("节假日安排文件(.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": _("请选择要上传的 .xlsx 文件"), "empty": _("文件是空的。")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("只能上传 .xlsx 文件(Excel 工作簿)。"))
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(_("文件过大,节假日安排文件不能超过 2 MB。"))
        return upload
