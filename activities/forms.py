"""Forms validate and never write; views hand `cleaned_data` to a service."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from areas.models import Area
from core.forms import EARLIEST_WORK_DATE, DateWithin, SafeFormMixin, years_from_today
from deputies.models import Deputy, DeputyHome
from groups.models import DeputyGroup, GroupMembership

from .choices import RECEPTION_DAYS_OF_MONTH, ActivityKind, AttendanceStatus

PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def organiser_scope(user):
    """The groups, areas and deputies a user may organise activities for (forms narrow to these)."""
    if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
        return DeputyGroup.objects.all(), Area.objects.exclude(kind__in=["community", "village"]), Deputy.objects.in_office()
    groups, areas, deputies = DeputyGroup.objects.none(), Area.objects.none(), Deputy.objects.none()
    if user.has_role(Role.AREA_STAFF) and user.area_id:
        groups = DeputyGroup.objects.editable_by(user)
        areas = Area.objects.subtree(user.area)
        deputies = Deputy.objects.editable_by(user).in_office()
    deputy = user.deputy_profile
    if deputy is not None and user.has_role(Role.GROUP_LEADER):
        led = GroupMembership.objects.filter(deputy=deputy, role__in=GroupMembership.LEADING_ROLES).values("group_id")
        groups = groups | DeputyGroup.objects.filter(pk__in=led)
        deputies = deputies | Deputy.objects.filter(memberships__group_id__in=led)
    return groups.distinct(), areas, deputies.distinct()


class ActivityForm(SafeFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("活动名称"), max_length=200)
    date = forms.DateField(label=_("活动日期"), widget=forms.DateInput(attrs={"type": "date"}),
                           validators=[DateWithin(EARLIEST_WORK_DATE, years_from_today(1))])
    place = forms.CharField(label=_("活动地点"), max_length=200, required=False)
    organiser_group = forms.ModelChoiceField(label=_("组织小组"), queryset=DeputyGroup.objects.none(), required=False)
    organiser_area = forms.ModelChoiceField(label=_("组织区划"), queryset=Area.objects.none(), required=False)
    home = forms.ModelChoiceField(label=_("代表之家/联络站(接待选民日必填)"), queryset=DeputyHome.objects.none(),
                                  required=False)
    rescheduled = forms.BooleanField(label=_("因节假日等调整,不在5日或25日"), required=False)
    voters_received = forms.IntegerField(label=_("接待选民人数"), min_value=0, max_value=10_000, required=False,
                                         initial=0)
    summary = forms.CharField(label=_("活动纪要"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    invited = forms.ModelMultipleChoiceField(
        label=_("邀请代表(接待选民日为值班代表)"), queryset=Deputy.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        groups, areas, deputies = organiser_scope(user)
        self.fields["organiser_group"].queryset = groups.select_related("area")
        self.fields["organiser_area"].queryset = areas
        self.fields["invited"].queryset = deputies.order_by("name_pinyin", "id")
        homes = DeputyHome.objects.select_related("area")
        if not user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            homes = homes.filter(area__in=Area.objects.subtree(user.area)) if user.area_id else homes.none()
        self.fields["home"].queryset = homes

    def clean(self):
        data = super().clean()
        if not data.get("organiser_group") and not data.get("organiser_area"):
            raise forms.ValidationError(_("请选择组织小组或组织区划(至少一项)。"))
        if data.get("kind") == ActivityKind.RECEPTION:
            if not data.get("home"):
                self.add_error("home", _("接待选民日须选择代表之家或联络站。"))
            day = data.get("date")
            if day and day.day not in RECEPTION_DAYS_OF_MONTH and not data.get("rescheduled"):
                self.add_error("date", _("接待选民日为每月5日或25日;如因节假日调整,请勾选“调整”。"))
        data["voters_received"] = data.get("voters_received") or 0
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("rescheduled", None)
        return data


class AttendanceForm(SafeFormMixin, forms.Form):
    """One status and note per invited deputy."""

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for att in attendances:
            status = f"status_{att.deputy_id}"
            note = f"note_{att.deputy_id}"
            self.fields[status] = forms.ChoiceField(
                label=att.deputy.name, choices=AttendanceStatus.choices, initial=att.status,
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": att.deputy.name}))
            self.fields[note] = forms.CharField(
                label=_("说明"), max_length=200, required=False, initial=att.note,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": _("请假事由等")}))
            self.rows.append((att, status, note))

    def statuses(self) -> dict:
        return {att.deputy_id: (self.cleaned_data[s], self.cleaned_data[n]) for att, s, n in self.rows}

    def bound_rows(self):
        return [(att, self[s], self[n]) for att, s, n in self.rows]


class PhotoForm(SafeFormMixin, forms.Form):
    file = forms.FileField(label=_("照片"))
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in PHOTO_EXTENSIONS:
            raise forms.ValidationError(_("只能上传图片(jpg、png、webp、gif)。"))
        if f.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("文件太大,超过上传限制。"))
        # The content decides, not the name: a renamed document is refused.
        from petitions.files import sniff

        if not (sniff(f) or "").startswith("image/"):
            raise forms.ValidationError(_("文件内容不是图片,不能上传。"))
        return f


class ReceptionProblemForm(SafeFormMixin, forms.Form):
    deputy = forms.ModelChoiceField(label=_("接待代表"), queryset=Deputy.objects.none())
    voter_name = forms.CharField(label=_("选民姓名"), max_length=50, required=False)
    voter_contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    description = forms.CharField(label=_("反映问题"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("问题类别"), choices=(), required=False)
    solved_on_site = forms.BooleanField(label=_("当场解决"), required=False)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        from petitions.choices import Category

        self.fields["deputy"].queryset = Deputy.objects.filter(attendances__activity=activity).order_by("name_pinyin")
        self.fields["category"].choices = [("", "—")] + list(Category.choices)
