from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin

from .choices import EventKind, EventResult


class EventFilterForm(SafeFormMixin, forms.Form):
    """The search of /audit/: every field optional; an invalid value is reported and the rest applies."""

    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *EventKind.choices])
    user = forms.CharField(label=_("用户名"), required=False, max_length=150)
    ip = forms.GenericIPAddressField(label=_("IP地址"), required=False)
    result = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部结果")), *EventResult.choices])
    start = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> dict:
        """The valid filters (an invalid field is dropped, the others still apply)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
