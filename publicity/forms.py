"""Forms validate and never write; views hand `cleaned_data` to publicity.services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core.forms import EARLIEST_WORK_DATE, DateWithin, SafeFormMixin, today
from deputies.models import Deputy
from groups.models import DeputyGroup

from .choices import Level
from .models import HTTP_URL, Piece
from .services import LoopError, check_file

FIELDS = ("title", "author", "deputy", "group", "date", "medium", "level", "adopted", "award", "link")


class PieceForm(SafeFormMixin, forms.Form):
    """One publicity piece. The deputy and group choices are narrowed to those the user may record for."""

    title = forms.CharField(label=_("标题"), max_length=200, help_text=_("如“关于……的报道”。"))
    deputy = forms.ModelChoiceField(label=_("代表"), queryset=Deputy.objects.none(), required=False,
                                    help_text=_("代表撰写或报道代表的稿件请选择,被采用的计入该代表的履职积分。"))
    group = forms.ModelChoiceField(label=_("代表小组"), queryset=DeputyGroup.objects.none(), required=False,
                                   help_text=_("留空时按所选代表所在的小组。"))
    author = forms.CharField(label=_("作者"), max_length=100, required=False,
                             help_text=_("作者姓名或小组名称;留空时取所选代表的姓名或小组名称。"))
    date = forms.DateField(label=_("刊发日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           validators=[DateWithin(EARLIEST_WORK_DATE, today)],
                           error_messages={"invalid": _("请填写有效的日期,如 2026-03-12。")})
    medium = forms.CharField(label=_("媒体名称"), max_length=100, help_text=_("如 安徽日报、淮北日报。"))
    level = forms.ChoiceField(label=_("媒体级别"), choices=[("", "---------"), *Level.choices])
    adopted = forms.BooleanField(label=_("被采用"), required=False)
    award = forms.CharField(label=_("获奖情况"), max_length=200, required=False,
                            help_text=_("如“全省人大新闻奖三等奖”;未获奖留空。"))
    link = forms.URLField(label=_("链接"), max_length=500, required=False, assume_scheme="https",
                          validators=[HTTP_URL], error_messages={"invalid": _("请填写以 http:// 或 https:// 开头的网址。")})
    file = forms.FileField(label=_("稿件文件(图片或 PDF)"), required=False,
                           widget=forms.FileInput(attrs={"accept": "image/*,.pdf"}))
    remove_file = forms.BooleanField(label=_("删除已上传的文件"), required=False)

    def __init__(self, *args, user, piece: Piece | None = None, **kwargs):
        if piece is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(piece, name) for name in FIELDS}
        super().__init__(*args, **kwargs)
        if user.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            deputies, groups = Deputy.objects.in_office(), DeputyGroup.objects.all()
        else:
            deputies, groups = Deputy.objects.editable_by(user).in_office(), DeputyGroup.objects.editable_by(user)
        if piece is not None and piece.deputy_id:  # the piece's own deputy stays choosable
            deputies = Deputy.objects.filter(pk__in=deputies.values("pk")) | Deputy.objects.filter(pk=piece.deputy_id)
        if piece is not None and piece.group_id:
            groups = DeputyGroup.objects.filter(pk__in=groups.values("pk")) | DeputyGroup.objects.filter(pk=piece.group_id)
        self.fields["deputy"].queryset = deputies.order_by("name_pinyin", "id")
        self.fields["group"].queryset = groups.order_by("kind", "sort", "name")
        if piece is None or not piece.file:
            del self.fields["remove_file"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            Row(Column("deputy", css_class="col-12 col-md-6"), Column("group", css_class="col-12 col-md-6")),
            "author",
            Row(Column("date", css_class="col-12 col-sm-6 col-md-4"), Column("medium", css_class="col-12 col-sm-6 col-md-4"),
                Column("level", css_class="col-12 col-sm-6 col-md-4")),
            "adopted", "award", "link", "file", *(["remove_file"] if "remove_file" in self.fields else []))

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            try:
                check_file(uploaded)
            except LoopError as exc:
                raise forms.ValidationError(exc.message) from None
        return uploaded

    def clean(self):
        data = super().clean()
        if not (data.get("author") or "").strip() and not data.get("deputy") and not data.get("group") \
                and "author" not in self.errors:
            self.add_error("author", _("请填写作者,或选择代表或代表小组。"))
        return data

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in FIELDS}
        data["file"] = self.cleaned_data.get("file")
        return data
