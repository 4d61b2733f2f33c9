"""Forms validate and never write; views hand `cleaned_data` to liaison.services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import EARLIEST_WORK_DATE, DateWithin, SafeFormMixin, today

from . import selectors
from .choices import Kind
from .services import HEARD_MAX, OPINION_MAX, OPINIONS_MAX, PLACE_MAX, TITLE_MAX, opinion_lines

DATE_ERRORS = {"invalid": _("请填写有效的日期,如 2026-03-12。")}


def _date_field(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           validators=[DateWithin(EARLIEST_WORK_DATE, today)], error_messages=DATE_ERRORS, **kwargs)


class ContactForm(SafeFormMixin, forms.Form):
    """One contact with the opinions heard, typed one per line."""

    kind = forms.ChoiceField(label=_("联系方式"), choices=Kind.choices, initial=Kind.VISIT,
                             widget=forms.RadioSelect)
    date = _date_field(_("联系日期"))
    place = forms.CharField(label=_("地点"), max_length=PLACE_MAX, required=False,
                            help_text=_("如 代表家中、东山街道代表之家;电话、微信联系可不填。"))
    heard = forms.CharField(label=_("听取的情况"), max_length=HEARD_MAX,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("代表介绍的履职情况、所在选区群众关心的问题等。"))
    opinions = forms.CharField(label=_("意见建议(每行一条)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("每行填写一条意见,保存后可逐条转为社情民意;最多 20 条。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "kind",
            Row(Column("date", css_class="col-12 col-sm-6"), Column("place", css_class="col-12 col-sm-6")),
            "heard", "opinions")

    def clean_opinions(self):
        lines = opinion_lines(self.cleaned_data.get("opinions", ""))
        if len(lines) > OPINIONS_MAX:
            raise forms.ValidationError(_("一次最多记录 %(n)s 条意见。") % {"n": OPINIONS_MAX})
        for i, line in enumerate(lines, start=1):
            if len(line) > OPINION_MAX:
                raise forms.ValidationError(_("第 %(i)s 条意见过长(最多 %(n)s 字)。") % {"i": i, "n": OPINION_MAX})
        return lines

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "date": data["date"], "place": data["place"], "heard": data["heard"],
                "opinions": data["opinions"]}


class ConvertForm(SafeFormMixin, forms.Form):
    """转为社情民意: the item's category, and a title if the default (the opinion's opening) will not do."""

    category = forms.ChoiceField(label=_("类别"), required=False)
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX, required=False)

    def __init__(self, *args, **kwargs):
        from petitions.choices import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = Category.choices
        self.fields["category"].initial = Category.OTHER


class LinkForm(SafeFormMixin, forms.Form):
    """A new link: the member, the term and the deputy (searched by name or pinyin)."""

    member = forms.ModelChoiceField(label=_("常委会组成人员"), queryset=None,
                                    error_messages={"invalid_choice": _("请选择常委会组成人员。")})
    term = forms.ModelChoiceField(label=_("届次"), queryset=None)
    deputy = forms.ModelChoiceField(label=_("联系代表"), queryset=None,
                                    error_messages={"invalid_choice": _("请从搜索结果中选择代表。")})
    since = _date_field(_("结对日期"))

    def __init__(self, *args, term=None, **kwargs):
        from deputies.choices import Level, MandateStatus
        from deputies.models import CongressTerm, Deputy, Mandate

        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.members()
        self.fields["member"].label_from_instance = lambda u: u.full_name or u.username
        self.fields["term"].queryset = CongressTerm.objects.filter(level=Level.DISTRICT).order_by("-number")
        # Any in-office deputy of the chosen term is valid on POST; the page offers the search results.
        chosen = self.data.get("term") if self.is_bound else getattr(term, "pk", None)
        mandates = Mandate.objects.filter(status=MandateStatus.IN_OFFICE)
        if str(chosen or "").isdigit():
            mandates = mandates.filter(term_id=int(chosen))
        self.fields["deputy"].queryset = Deputy.objects.filter(pk__in=mandates.values("deputy_id"))
        for name in ("member", "term"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["since"].widget.attrs["class"] = "form-control"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"member": data["member"], "term": data["term"], "deputy": data["deputy"], "since": data["since"]}
