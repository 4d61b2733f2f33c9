from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from areas.models import Area
from core.forms import SafeFormMixin
from deputies.choices import Level
from deputies.forms import AreaChoiceField, scoped_areas
from deputies.models import Deputy, Mandate

from .choices import GroupKind, MemberRole
from .models import DeputyGroup


class GroupForm(SafeFormMixin, forms.ModelForm):
    class Meta:
        model = DeputyGroup
        fields = ["name", "kind", "area", "liaison_user", "liaison_deputy", "contact_areas", "contact_organs", "sort"]
        widgets = {"contact_areas": forms.CheckboxSelectMultiple, "contact_organs": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaChoiceField(label=_("所属区划"), queryset=scoped_areas(user),
                                              required=not user.has_role(Role.ADMIN, Role.DISTRICT_STAFF))
        self.fields["liaison_user"].queryset = User.objects.filter(
            groups__name__in=[Role.DISTRICT_STAFF, Role.AREA_STAFF]).distinct().order_by("username")
        self.fields["liaison_deputy"].queryset = Deputy.objects.visible_to(user).only("id", "name")
        self.fields["contact_areas"].queryset = Area.objects.filter(kind__in=["community", "village"]).select_related("parent")
        self.fields["contact_areas"].label_from_instance = lambda a: a.full_name
        self.helper = FormHelper()
        self.helper.form_tag = False

    def group_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MemberForm(SafeFormMixin, forms.Form):
    deputy = forms.ModelChoiceField(label=_("代表"), queryset=Deputy.objects.none())
    role = forms.ChoiceField(label=_("小组职务"), choices=MemberRole.choices, initial=MemberRole.MEMBER)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer the deputies who fit the group (its level, its area), not the whole roster.
        level = Level.CITY if group.kind == GroupKind.CITY else None
        mandates = Mandate.objects.filter(deputy=OuterRef("pk"))
        mandates = mandates.filter(term__level=level) if level else mandates.exclude(term__level=Level.CITY)
        if group.area_id and group.kind != GroupKind.CITY:
            mandates = mandates.filter(area__in=Area.objects.subtree(group.area))
        self.fields["deputy"].queryset = (Deputy.objects.editable_by(user).filter(Exists(mandates))
                                          .exclude(memberships__group=group).order_by("name_pinyin"))
