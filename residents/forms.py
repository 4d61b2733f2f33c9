"""Forms of the resident pages and of the deputy's actions. They validate and never write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin

from .choices import Category

MOBILE = re.compile(r"^1[3-9]\d{9}$")


class _Styled(SafeFormMixin):
    """Bootstrap classes on every widget (the templates render fields one by one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = {"checkbox": "form-check-input", "select": "form-select"}.get(field.widget.input_type
                                                                                if hasattr(field.widget, "input_type")
                                                                                else "", "form-control")
            field.widget.attrs.setdefault("class", css)


class ReportForm(_Styled, forms.Form):
    """The resident's report (no account). Lengths are bounded here and in the model."""

    category = forms.ChoiceField(label=_("问题类别"), choices=[("", _("请选择"))] + Category.choices)
    text = forms.CharField(label=_("反映内容"), max_length=1000, min_length=5,
                           widget=forms.Textarea(attrs={"rows": 6, "maxlength": 1000}),
                           help_text=_("请写清发生了什么、在哪里、希望怎样解决(5-1000 字)。"))
    address = forms.CharField(label=_("地点"), max_length=200, required=False,
                              help_text=_("如:东山街道周庄社区3号楼东侧"))
    name = forms.CharField(label=_("姓名(可不填)"), max_length=30, required=False)
    show_name = forms.BooleanField(label=_("向代表显示我的姓名"), required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=11,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
                            help_text=_("用于接收验证码和办理进展,代表只能看到部分号码。"))
    consent = forms.BooleanField(label=_("我已阅读并同意上述个人信息处理说明"),
                                 error_messages={"required": _("请阅读并同意个人信息处理说明。")})

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not MOBILE.match(phone):
            raise forms.ValidationError(_("请填写 11 位手机号码。"))
        return phone

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise forms.ValidationError(_("反映内容至少 5 个字。"))
        return text


class VerifyForm(_Styled, forms.Form):
    code = forms.CharField(label=_("短信验证码"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("验证码是 6 位数字。"))
        return code


class AnswerForm(_Styled, forms.Form):
    reply = forms.CharField(label=_("答复内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("答复会显示在群众的查询页面上,请勿写入个人信息。"))


class RejectForm(_Styled, forms.Form):
    reason = forms.CharField(label=_("不予受理的理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ConvertForm(_Styled, forms.Form):
    note = forms.CharField(label=_("代表意见(可不填)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
