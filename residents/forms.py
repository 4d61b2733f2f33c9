"""Forms of the resident pages and of the deputy's actions. They validate and never write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from petitions.files import validate_attachment

from .choices import RESIDENT_RATINGS, Category, Satisfaction

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


class _PhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoField(forms.FileField):
    """Up to 3 photos from the phone, each checked by its content (like item attachments), images only."""

    max_files = 3

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _PhotoInput(attrs={"accept": "image/*", "class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.max_files:
            raise forms.ValidationError(_("最多上传 %(n)s 张照片。"), params={"n": self.max_files})
        errors = []
        for f in files:
            super().clean(f, initial)
            try:
                validate_attachment(f)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if not f.xs_content_type.startswith("image/"):
                errors.append(_("文件“%(name)s”不是图片,只能上传照片。") % {"name": f.name})
        if errors:
            # Browsers cannot refill a file input: say so, the rest of the form is kept.
            raise forms.ValidationError([*errors, _("其他内容已保留,请重新选择照片。")])
        return files


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
    photos = PhotoField(label=_("照片(可不传,最多 3 张)"),
                        help_text=_("每张不超过 20 MB;照片只给受理的代表和工作人员看。"))
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


class TransferForm(_Styled, forms.Form):
    note = forms.CharField(label=_("转交说明(可不填)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReviewCloseForm(_Styled, forms.Form):
    note = forms.CharField(label=_("复核意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("复核意见只记入办理记录,不向群众显示。"))


class ModerateForm(_Styled, forms.Form):
    """What the resident's status page shows: the reply (edited or hidden) and the photos chosen."""

    public_reply = forms.CharField(label=_("查询页显示的答复"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("可删去答复中的个人信息;原文保留在办理记录中。"))
    reply_hidden = forms.BooleanField(label=_("不在查询页显示答复"), required=False)
    public_photos = forms.ModelMultipleChoiceField(label=_("在查询页显示的照片"), queryset=None, required=False,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ReportPhoto

        self.fields["public_photos"].queryset = ReportPhoto.objects.filter(report=report) if report else \
            ReportPhoto.objects.none()
        self.fields["public_photos"].widget.attrs["class"] = "form-check-input"
        if not self.fields["public_photos"].queryset.exists():
            del self.fields["public_photos"]


class RateForm(_Styled, forms.Form):
    """The resident's rating on the status page."""

    satisfaction = forms.ChoiceField(label=_("您对办理结果的评价"), choices=[(s.value, s.label) for s in RESIDENT_RATINGS],
                                     widget=forms.RadioSelect, error_messages={"required": _("请选择评价结果。")})
    comment = forms.CharField(label=_("评价意见(不满意时必填)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("satisfaction") == Satisfaction.DISSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", _("请写下不满意的原因,代表会据此重新办理。"))
        return data


class BlockForm(_Styled, forms.Form):
    phone = forms.CharField(label=_("手机号码"), max_length=11,
                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not MOBILE.match(phone):
            raise forms.ValidationError(_("请填写 11 位手机号码。"))
        return phone
