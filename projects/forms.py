"""Forms of the project pages: they validate and never write (the views pass cleaned_data to services)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import SafeFormMixin
from residents.forms import PhotoField
from units.models import HandlingUnit

from .choices import Choice, Rating, VoteMethod
from .models import BallotBox, Electorate


class BootstrapMixin(SafeFormMixin):
    """Bootstrap classes on every widget (the templates render fields in a loop)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoundForm(BootstrapMixin, forms.Form):
    electorate = forms.ModelChoiceField(label=_("票决主体"), queryset=Electorate.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    session_name = forms.CharField(label=_("会议名称"), max_length=80)
    places = forms.IntegerField(label=_("项目名额"), min_value=1, max_value=50)
    method = forms.ChoiceField(label=_("表决方式"), choices=VoteMethod.choices, initial=VoteMethod.ELECTRONIC)
    ideas_from = forms.DateField(label=_("征集开始"), required=False, widget=DateInput())
    ideas_until = forms.DateField(label=_("征集截止"), required=False, widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["electorate"].queryset = Electorate.objects.managed_by(user).select_related("area")
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if data.get("ideas_from") and data.get("ideas_until") and data["ideas_until"] < data["ideas_from"]:
            self.add_error("ideas_until", _("征集截止日期不能早于开始日期。"))
        return data


class IdeaForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("项目建议"), max_length=120)
    body = forms.CharField(label=_("内容"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    item = forms.IntegerField(label=_("关联社情民意(编号)"), required=False, min_value=1,
                              help_text=_("可选:由社情民意转来的,填写其编号。"))
    tags = forms.CharField(label=_("标签"), required=False, max_length=80)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_item(self):
        pk = self.cleaned_data.get("item")
        if pk is None:
            return None
        from petitions.models import Item

        item = Item.objects.visible_to(self.user).filter(pk=pk).first() if self.user else None
        if item is None:
            raise forms.ValidationError(_("找不到这件社情民意(或不在您的范围内)。"))
        return item


class CandidateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=120)
    content = forms.CharField(label=_("建设内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label=_("建设地点"), max_length=120)
    total_investment = forms.DecimalField(label=_("总投资(元)"), min_value=0, max_digits=14, decimal_places=2)
    year_investment = forms.DecimalField(label=_("当年投资(元)"), min_value=0, max_digits=14, decimal_places=2)
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=HandlingUnit.objects.filter(is_active=True))
    starts_on = forms.DateField(label=_("计划开工"), widget=DateInput())
    completes_on = forms.DateField(label=_("计划完工"), widget=DateInput())
    ideas = forms.ModelMultipleChoiceField(label=_("来源意见"), required=False, queryset=None,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, round=None, **kwargs):  # noqa: A002
        super().__init__(*args, **kwargs)
        from .models import Idea

        self.fields["ideas"].queryset = Idea.objects.filter(round=round) if round else Idea.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("completes_on") and data["completes_on"] < data["starts_on"]:
            self.add_error("completes_on", _("计划完工日期不能早于计划开工日期。"))
        if (data.get("year_investment") is not None and data.get("total_investment") is not None
                and data["year_investment"] > data["total_investment"]):
            self.add_error("year_investment", _("当年投资不能大于总投资。"))
        return data


class BoxForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("票箱"), max_length=40, help_text=_("如:第1号票箱"))
    ballots_issued = forms.IntegerField(label=_("发出选票"), min_value=0, max_value=10000)
    ballots_returned = forms.IntegerField(label=_("收回选票"), min_value=0, max_value=10000)

    def clean(self):
        data = super().clean()
        if (data.get("ballots_issued") is not None and data.get("ballots_returned") is not None
                and data["ballots_returned"] > data["ballots_issued"]):
            self.add_error("ballots_returned", _("收回选票不能多于发出选票。"))
        return data


class TallyForm(BoxForm):
    """One box's count: 发出/收回 and 赞成/反对/弃权 per candidate (fields c<id>_yes …)."""

    box = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, round=None, box: BallotBox | None = None, **kwargs):  # noqa: A002
        super().__init__(*args, **kwargs)
        del self.fields["name"]
        self.candidates = list(round.candidates.all()) if round else []
        tallies = {t.candidate_id: t for t in box.tallies.all()} if box else {}
        if box is not None:
            self.fields["box"].initial = box.pk
            self.fields["ballots_issued"].initial = box.ballots_issued
            self.fields["ballots_returned"].initial = box.ballots_returned
        self.rows = []
        for c in self.candidates:
            names = []
            for key, label in (("yes", _("赞成")), ("no", _("反对")), ("abstain", _("弃权"))):
                name = f"c{c.pk}_{key}"
                t = tallies.get(c.pk)
                self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=10000,
                                                       initial=getattr(t, key) if t else 0)
                self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
                names.append(name)
            self.rows.append((c, [self[n] for n in names]))

    def clean(self):
        data = super().clean()
        returned = data.get("ballots_returned")
        for c in self.candidates:
            values = [data.get(f"c{c.pk}_{k}") for k in ("yes", "no", "abstain")]
            if returned is not None and None not in values and sum(values) > returned:
                self.add_error(f"c{c.pk}_yes", _("“%(c)s”的票数合计超过收回选票。") % {"c": c.name})
        return data

    def counts(self) -> dict:
        d = self.cleaned_data
        return {c.pk: (d[f"c{c.pk}_yes"], d[f"c{c.pk}_no"], d[f"c{c.pk}_abstain"]) for c in self.candidates}


class SignOffForm(BootstrapMixin, forms.Form):
    box = forms.IntegerField(widget=forms.HiddenInput)
    scrutineer = forms.CharField(label=_("监票人"), max_length=30)


class VoteForm(forms.Form):
    """The deputy's ballot on the phone: one 赞成/反对/弃权 per candidate (fields c<id>)."""

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for c in self.candidates:
            self.fields[f"c{c.pk}"] = forms.ChoiceField(label=c.name, choices=Choice.choices, widget=forms.RadioSelect,
                                                        error_messages={"required": _("请选择赞成、反对或弃权。")})

    def choices(self) -> dict:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.candidates}


class ProgressForm(BootstrapMixin, forms.Form):
    reported_on = forms.DateField(label=_("报送日期"), widget=DateInput())
    percent = forms.IntegerField(label=_("形象进度(%)"), min_value=0, max_value=100)
    spent = forms.DecimalField(label=_("已完成投资(元)"), required=False, min_value=0, max_digits=14, decimal_places=2)
    text = forms.CharField(label=_("进展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    # The residents' photo field: up to 3 images, each checked by its content (petitions.files).
    photos = PhotoField(label=_("现场照片(可不传,最多 3 张)"),
                        help_text=_("每张不超过 20 MB;由人大工作人员决定是否在公开页显示。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()


class CompleteForm(BootstrapMixin, forms.Form):
    completed_on = forms.DateField(label=_("完工日期"), widget=DateInput())


class AcceptForm(BootstrapMixin, forms.Form):
    accepted_on = forms.DateField(label=_("验收日期"), widget=DateInput())
    comment = forms.CharField(label=_("验收意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("测评意见"), choices=Rating.choices, widget=forms.RadioSelect)


# ---------------------------------------------------------------------------------------------
# Ideas: tags and merges


class _IdeaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.receipt_number} {obj.title}"


_NO_IDEA = {"invalid_choice": _("找不到这条征集意见(或已并入其他意见)。"), "required": _("请选择征集意见。")}


class IdeaTagForm(BootstrapMixin, forms.Form):
    idea = _IdeaChoice(label=_("征集意见"), queryset=None, error_messages=_NO_IDEA)
    tags = forms.CharField(label=_("标签"), required=False, max_length=80, help_text=_("多个标签用顿号或空格分开,如:交通、照明"))

    def __init__(self, *args, round=None, **kwargs):  # noqa: A002
        super().__init__(*args, **kwargs)
        from .models import Idea

        self.fields["idea"].queryset = Idea.objects.filter(round=round).select_related("round__electorate__area")


class IdeaMergeForm(BootstrapMixin, forms.Form):
    idea = _IdeaChoice(label=_("并入的意见"), queryset=None, error_messages=_NO_IDEA)
    into = _IdeaChoice(label=_("主意见"), queryset=None, error_messages=_NO_IDEA)

    def __init__(self, *args, round=None, **kwargs):  # noqa: A002
        super().__init__(*args, **kwargs)
        from .models import Idea

        masters = Idea.objects.filter(round=round, merged_into__isnull=True).select_related("round__electorate__area")
        self.fields["idea"].queryset = masters
        self.fields["into"].queryset = masters

    def clean(self):
        data = super().clean()
        if data.get("idea") and data.get("into") and data["idea"] == data["into"]:
            self.add_error("into", _("不能把意见并入它自己。"))
        return data


# ---------------------------------------------------------------------------------------------
# Supervision (监督小组), inspections, issues to fix


class _DeputyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _DeputiesChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class GroupForm(BootstrapMixin, forms.Form):
    leader = _DeputyChoice(label=_("组长"), queryset=None, error_messages={
        "invalid_choice": _("所选组长不是本票决主体的代表,也不是在任区人大代表。"), "required": _("请选择监督小组组长。")})
    members = _DeputiesChoice(label=_("组员"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
                              error_messages={"invalid_choice": _("所选代表不是本票决主体的代表,不能加入监督小组。"),
                                              "invalid_pk_value": _("代表编号无效。")})

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        from deputies.models import Deputy

        from .services import group_candidates

        if project is None:
            self.fields["leader"].queryset = self.fields["members"].queryset = Deputy.objects.none()
            return
        self.fields["leader"].queryset = group_candidates(project).distinct().order_by("name", "pk")
        self.fields["members"].queryset = project.candidate.round.electorate.members().order_by("name", "pk")


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("日期不能晚于今天。"))
    return value


class InspectionForm(BootstrapMixin, forms.Form):
    inspected_on = forms.DateField(label=_("视察日期"), widget=DateInput())
    place = forms.CharField(label=_("视察地点"), max_length=120)
    findings = forms.CharField(label=_("视察发现"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotoField(label=_("视察照片(可不传,最多 3 张)"), help_text=_("每张不超过 20 MB;照片不公开。"))

    def clean_inspected_on(self):
        return _not_future(self.cleaned_data.get("inspected_on"))


class IssueForm(BootstrapMixin, forms.Form):
    description = forms.CharField(label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("整改责任人"), max_length=60, help_text=_("责任单位或具体责任人"))
    due_on = forms.DateField(label=_("整改期限"), widget=DateInput())

    def clean_due_on(self):
        value = self.cleaned_data.get("due_on")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("整改期限不能早于今天。"))
        return value


class IssueFixForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class IssueConfirmForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("销号意见"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class IssueReopenForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# ---------------------------------------------------------------------------------------------
# The plan (节点计划) and the public progress photos


class MilestoneForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("节点名称"), max_length=120, help_text=_("如:完成招标、主体完工、竣工验收"))
    planned_on = forms.DateField(label=_("计划完成日期"), widget=DateInput())
    sort = forms.IntegerField(label=_("顺序"), required=False, min_value=0, max_value=999,
                              help_text=_("不填则排在最后"))
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneChangeForm(MilestoneForm):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    sort = forms.IntegerField(label=_("顺序"), min_value=0, max_value=999)


class MilestoneDoneForm(BootstrapMixin, forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("实际完成日期"), widget=DateInput())
    note = forms.CharField(label=_("完成情况"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_done_on(self):
        return _not_future(self.cleaned_data.get("done_on"))


class _PhotoChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _("%(d)s 报送的照片 %(n)s") % {"d": f"{obj.report.reported_on:%Y-%m-%d}", "n": obj.pk}


class PublishPhotosForm(BootstrapMixin, forms.Form):
    public_photos = _PhotoChoice(label=_("在公开页显示的进度照片"), required=False, queryset=None,
                                 widget=forms.CheckboxSelectMultiple,
                                 error_messages={"invalid_choice": _("所选照片不属于本项目。"),
                                                 "invalid_pk_value": _("照片编号无效。")})

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ProgressPhoto

        self.fields["public_photos"].queryset = (ProgressPhoto.objects.filter(project=project).select_related("report")
                                                 if project is not None else ProgressPhoto.objects.none())
