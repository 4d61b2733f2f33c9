"""The form to draft or edit a suggestion (提出建议): session, title, body, two-level category,
attachments, 同意公开, 由议案转为建议 (staff), co-signers (附议代表) through the shared deputy picker, and for
staff entering a paper suggestion the lead deputy and the co-signers whose paper signature they hold."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from deputies.choices import MandateStatus
from deputies.models import Deputy
from petitions import selectors as picker
from petitions.forms import MultipleFileField

from .models import Category, Session


def deputy_pool(session):
    """The deputies of a session's level in office: who may lead or co-sign its suggestions."""
    qs = Deputy.objects.in_office()
    if session is not None:
        qs = qs.filter(mandates__term__level=session.level, mandates__status=MandateStatus.IN_OFFICE).distinct()
    return qs


def open_sessions():
    return Session.objects.filter(open_for_submissions=True).order_by("-year", "name")


class DraftForm(SafeFormMixin, forms.Form):
    session = forms.ModelChoiceField(label=_("会议"), queryset=Session.objects.none(), empty_label=_("请选择会议"),
                                     widget=forms.Select(attrs={"class": "form-select"}))
    lead_deputy = forms.IntegerField(label=_("领衔代表"), required=False, widget=forms.HiddenInput)
    lead_deputy_name = forms.CharField(label=_("领衔代表"), required=False, max_length=30, strip=True,
                                       help_text=_("输入领衔代表的姓名或拼音首字母;同名时请在下面选择。"))
    title = forms.CharField(label=_("案由"), max_length=200, help_text=_("如:关于……的建议"),
                            widget=forms.TextInput(attrs={"class": "form-control form-control-lg",
                                                          "placeholder": _("关于……的建议")}))
    body = forms.CharField(label=_("内容"), required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}))
    parent_category = forms.ModelChoiceField(label=_("类别"), required=False, empty_label=_("请选择类别"),
                                             queryset=Category.objects.filter(parent__isnull=True),
                                             widget=forms.Select(attrs={"class": "form-select",
                                                                        "data-testid": "category-parent"}))
    category = forms.ModelChoiceField(label=_("小类"), required=False, empty_label=_("请选择小类"),
                                      queryset=Category.objects.filter(parent__isnull=False).select_related("parent"),
                                      widget=forms.Select(attrs={"class": "form-select",
                                                                 "data-testid": "category-child"}))
    files = MultipleFileField(label=_("附件(照片、PDF、Office 文档)"))
    consent_public = forms.BooleanField(label=_("同意公开(答复后在公开页公布)"), required=False, initial=True,
                                        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    from_motion = forms.BooleanField(label=_("由议案转为建议"), required=False,
                                     widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    co_deputies = forms.ModelMultipleChoiceField(label=_("附议代表"), required=False,
                                                 queryset=Deputy.objects.none(), widget=forms.MultipleHiddenInput)
    paper_signed = forms.ModelMultipleChoiceField(label=_("已收到纸质附议签名"), required=False,
                                                  queryset=Deputy.objects.none(), widget=forms.MultipleHiddenInput)
    co_deputy_name = forms.CharField(label=_("查找附议代表"), required=False, max_length=30, strip=True,
                                     help_text=_("输入姓名或拼音首字母(如 zw)后选择;可选多位代表。"))
    submission_token = forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)

    def __init__(self, *args, user, staff: bool, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.staff, self.instance = user, staff, instance
        sessions = open_sessions()
        if instance is not None:
            sessions = Session.objects.filter(pk=instance.session_id)
            self.initial.update({
                "session": instance.session_id, "title": instance.title, "body": instance.body,
                "category": instance.category_id,
                "parent_category": instance.category.parent_id if instance.category_id else None,
                "consent_public": instance.consent_public, "from_motion": instance.from_motion,
                "lead_deputy": instance.lead_deputy_id,
                "co_deputies": list(instance.cosigners.values_list("deputy_id", flat=True))})
            del self.fields["submission_token"]
        else:
            self.fields["submission_token"].initial = uuid.uuid4().hex
            only = list(sessions[:2])
            if len(only) == 1:
                self.initial.setdefault("session", only[0].pk)  # the single open session
        self.fields["session"].queryset = sessions
        self.fields["category"].label_from_instance = lambda c: c.name
        pool = deputy_pool(self.session_value())
        self.fields["co_deputies"].queryset = pool
        self.fields["paper_signed"].queryset = pool
        if not staff:
            del self.fields["from_motion"], self.fields["paper_signed"], self.fields["lead_deputy"]
            del self.fields["lead_deputy_name"]
        elif instance is not None:
            del self.fields["lead_deputy_name"]
        self.lead_candidates: list = []

    def session_value(self):
        raw = self.data.get("session") if self.is_bound else self.initial.get("session")
        if self.instance is not None:
            return self.instance.session
        try:
            return self.fields["session"].queryset.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            return None

    def clean_submission_token(self):
        try:
            return uuid.UUID(self.cleaned_data.get("submission_token") or "")
        except ValueError:
            return None

    def _clean_lead(self, data):
        """Staff entry: the lead deputy is the one chosen (id) or the only match of the typed name."""
        if self.instance is not None:
            data["lead_deputy"] = self.instance.lead_deputy
            return
        pool = deputy_pool(self.session_value())
        pk, text = data.get("lead_deputy"), data.get("lead_deputy_name") or ""
        found = pool.filter(pk=pk).first() if pk else None
        if found is None and text:
            found, self.lead_candidates = picker.deputy_typed(self.user, text, pool=pool)
            if self.lead_candidates:
                self.add_error("lead_deputy_name", _("有多位代表与“%(name)s”匹配,请在下面选择。") % {"name": text})
                return
        if found is None:
            self.add_error("lead_deputy_name", _("请选择该会议层级的在任代表作为领衔代表。"))
        data["lead_deputy"] = found

    def _resolve_typed(self, data):
        """A co-signer name typed but not picked (no JavaScript): the only match is taken."""
        text = data.get("co_deputy_name") or ""
        if not text:
            return
        chosen = list(data.get("co_deputies") or [])
        matches = picker.co_signer_candidates(self.user, text, exclude=[d.pk for d in chosen],
                                              pool=deputy_pool(self.session_value()))
        if len(matches) == 1:
            data["co_deputies"] = [*chosen, matches[0]]
            self.resolved = matches[0]
        else:
            self.add_error("co_deputy_name", _("没有找到唯一匹配“%(name)s”的在任代表,请从列表中选择。") % {"name": text})

    def clean(self):
        data = super().clean()
        self.resolved = None
        if "lead_deputy" in self.fields:
            self._clean_lead(data)
        self._resolve_typed(data)
        parent, child = data.get("parent_category"), data.get("category")
        if child and parent and child.parent_id != parent.pk:
            self.add_error("category", _("所选小类不属于该类别。"))
        elif parent and not child:
            self.add_error("category", _("请选择小类。"))
        paper = data.get("paper_signed") or []
        if paper and set(paper) - set(data.get("co_deputies") or []):
            self.add_error("paper_signed", _("纸质签名只能记给已选的附议代表。"))
        return data

    def picked(self, name):
        """Deputies picked in field `name` (submitted ids, or the initial ones), labelled, in the pool."""
        if self.is_bound:
            pks = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if name == "co_deputies" and getattr(self, "resolved", None) is not None:
                pks = [*pks, self.resolved.pk]
        else:
            value = self.initial.get(name) or []
            pks = value if isinstance(value, list | tuple) else [value]
        return picker.co_signers_chosen(self.user, pks, pool=deputy_pool(self.session_value()))

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        out = {"title": d["title"], "body": d["body"], "category": d.get("category"),
               "consent_public": d["consent_public"]}
        if self.staff:
            out["from_motion"] = d["from_motion"]
        return out
