from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin

from .choices import OPTIONAL_CHANNELS, Channel, DeliveryStatus


class PreferenceForm(SafeFormMixin, forms.Form):
    """Which channels a person wants besides the in-app notification centre (通知方式)."""

    channels = forms.MultipleChoiceField(
        label=_("接收渠道"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in OPTIONAL_CHANNELS],
        help_text=_("站内通知始终开启。短信、企业微信和钉钉发送到您登记的手机号码,邮件发送到账号邮箱。"),
    )


class MonitorFilterForm(SafeFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("投递状态"), required=False,
        choices=[("", _("全部")), ("undeliverable", _("无法送达(所有渠道)"))]
        + [(s.value, s.label) for s in DeliveryStatus if s != DeliveryStatus.SENDING],
    )
    channel = forms.ChoiceField(label=_("渠道"), required=False,
                                choices=[("", _("全部"))] + list(Channel.choices))
