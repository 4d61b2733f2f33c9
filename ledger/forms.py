from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin


class LedgerUploadForm(SafeFormMixin, forms.Form):
    file = forms.FileField(label=_("台账文件(.xlsx)"))
    create_units = forms.BooleanField(label=_("自动创建台账中不存在的承办单位(单位已更名或合并时)"), required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的文件。"))
        return f


class LedgerConfirmForm(SafeFormMixin, forms.Form):
    """The confirmation names the staged upload only; its file name and options stay in the session."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$")
