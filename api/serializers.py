"""What the API answers (JSON keys are a contract with the mini-program: change them only in a new
version). Input is validated by the pages' own forms (api/forms.py binds JSON to them), so a refusal
carries the same Chinese message as the page; the request serializers here describe that input for the
OpenAPI schema."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from petitions.choices import Category, Source, State


class RefSerializer(serializers.Serializer):
    """A thing referred to: its id and its name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# ---- auth ---------------------------------------------------------------------------------------


class SignInSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    device = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   help_text="设备名称,如“刘芳的 iPhone 小程序”")


class RefreshSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=200)


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="访问令牌有效秒数")
    refresh_expires_in = serializers.IntegerField(help_text="刷新令牌有效秒数")
    device_id = serializers.IntegerField()

    @staticmethod
    def from_issued(issued) -> dict:
        now = timezone.now()
        d = issued.device
        return {"access_token": issued.access_token, "refresh_token": issued.refresh_token, "token_type": "Bearer",
                "expires_in": int((d.access_expires_at - now).total_seconds()),
                "refresh_expires_in": int((d.refresh_expires_at - now).total_seconds()), "device_id": d.pk}


class WeChatSignInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=128, help_text="小程序 wx.login() 得到的登录凭证 code")
    device = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   help_text="设备名称,如“刘芳的 iPhone 小程序”")


class WeChatBindRequiredSerializer(serializers.Serializer):
    """First sign-in of this WeChat account: bind it by mobile number and SMS code."""

    bind_required = serializers.BooleanField()
    bind_token = serializers.CharField(help_text="绑定凭证:用于 auth/wechat/bind 和 auth/wechat/bind/confirm")
    expires_in = serializers.IntegerField(help_text="绑定凭证有效秒数")
    message = serializers.CharField()


def _mobile(value: str) -> str:
    import re

    digits = re.sub(r"[\s-]", "", value or "").removeprefix("+86")
    if not re.fullmatch(r"1[3-9]\d{9}", digits):
        raise serializers.ValidationError(gettext_lazy("请输入 11 位手机号码。"))
    return digits


class WeChatBindSerializer(serializers.Serializer):
    bind_token = serializers.CharField(max_length=100)
    mobile = serializers.CharField(max_length=20, help_text="登记在账号或代表名册中的手机号码")

    def validate_mobile(self, value):
        return _mobile(value)


class WeChatBindSentSerializer(serializers.Serializer):
    message = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="验证码有效秒数")


class WeChatBindConfirmSerializer(WeChatBindSerializer):
    sms_code = serializers.RegexField(r"^\d{6}$", max_length=6, help_text="短信验证码(6 位数字)",
                                      error_messages={"invalid": gettext_lazy("请输入 6 位数字验证码。")})
    device = serializers.CharField(max_length=100, required=False, allow_blank=True)


class DeviceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField()
    user_agent = serializers.CharField()
    active = serializers.BooleanField(source="is_active")
    current = serializers.SerializerMethodField()

    def get_current(self, device) -> bool:
        auth = self.context["request"].auth
        return getattr(auth, "pk", None) == device.pk


# ---- me and notifications -----------------------------------------------------------------------


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")
    roles = serializers.SerializerMethodField()
    role_labels = serializers.SerializerMethodField()
    read_only = serializers.BooleanField(source="is_read_only")
    area = RefSerializer(allow_null=True)
    unit = RefSerializer(allow_null=True)
    deputy = serializers.SerializerMethodField()
    unread_notifications = serializers.SerializerMethodField()

    def get_roles(self, user) -> list[str]:
        return sorted(str(r) for r in user.roles)

    def get_role_labels(self, user) -> list[str]:
        return [str(label) for label in user.role_labels]

    @staticmethod
    def _ref(obj):
        return {"id": obj.pk, "name": obj.name} if obj is not None else None

    def get_deputy(self, user) -> RefSerializer(allow_null=True):
        return self._ref(user.deputy_profile)

    def get_unread_notifications(self, user) -> int:
        from notifications.selectors import unread_count

        return unread_count(user)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    read = serializers.SerializerMethodField()

    def get_read(self, n) -> bool:
        return n.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                max_length=500, help_text="要标为已读的通知 id;省略则全部标为已读")


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


# ---- opinion items ------------------------------------------------------------------------------


class ItemRowSerializer(serializers.Serializer):
    """An item as a list row shows it."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField(source="get_state_display")
    stage = serializers.CharField(allow_null=True)
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    source = serializers.CharField()
    deputy = RefSerializer()
    area = RefSerializer(allow_null=True)
    lead_unit = RefSerializer(allow_null=True)
    period = serializers.SerializerMethodField(help_text="计入月份 YYYY-MM")
    submitted_at = serializers.DateTimeField(allow_null=True)
    stage_due = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    satisfaction = serializers.CharField()

    def get_period(self, item) -> str:
        return item.period.strftime("%Y-%m")

    def get_overdue(self, item) -> bool:
        return item.is_overdue(self.context.get("today"))

    def to_representation(self, item):
        """The same as the declared fields give (tests/api/test_items.py compares the two), built
        directly: a page of 20 rows went through DRF's field machinery 300 times, a third of the request."""
        if type(self) is not ItemRowSerializer:  # the detail adds fields of its own
            return super().to_representation(item)
        labels = self.context.setdefault("_labels", {})

        def label(kind, value, display):
            key = (kind, value)
            if key not in labels:
                labels[key] = str(display())
            return labels[key]

        def ref(obj):
            return None if obj is None else {"id": obj.pk, "name": obj.name}

        submitted, due = item.submitted_at, item.stage_due
        return {
            "id": item.pk, "number": item.number, "title": item.title, "state": item.state,
            "state_label": label("state", item.state, item.get_state_display), "stage": item.stage,
            "category": item.category,
            "category_label": label("category", item.category, item.get_category_display),
            "source": item.source, "deputy": ref(item.deputy), "area": ref(item.area), "lead_unit": ref(item.lead_unit),
            "period": self.get_period(item),
            "submitted_at": None if submitted is None else self.fields["submitted_at"].to_representation(submitted),
            "stage_due": None if due is None else self.fields["stage_due"].to_representation(due),
            "overdue": self.get_overdue(item), "satisfaction": item.satisfaction,
        }


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class TimelineRowSerializer(serializers.Serializer):
    """One row of the timeline as this reader may read it (petitions.timeline.rows_for)."""

    id = serializers.IntegerField(source="event.pk")
    action = serializers.CharField(source="event.action")
    action_label = serializers.CharField(source="event.get_action_display")
    actor = serializers.CharField(source="event.actor_label")
    from_state = serializers.CharField(source="event.from_state")
    to_state = serializers.CharField(source="event.to_state")
    at = serializers.DateTimeField(source="event.created_at")
    comment = serializers.CharField()
    note = serializers.CharField()
    facts = serializers.ListField(child=serializers.CharField())
    attachments = AttachmentSerializer(many=True)


class ItemDetailSerializer(ItemRowSerializer):
    """An item as its page shows it: the fields, the reply when this reader may see it, the timeline,
    and the actions this reader may take now (POST /items/{id}/actions/{action})."""

    content = serializers.CharField()
    community = RefSerializer(allow_null=True)
    address = serializers.CharField()
    co_deputies = RefSerializer(many=True, source="co_deputies.all")
    reply = serializers.SerializerMethodField()
    evaluation_due = serializers.DateField(allow_null=True)
    evaluation_comment = serializers.CharField()
    concluded_at = serializers.DateTimeField(allow_null=True)
    conclusion = serializers.CharField()
    actions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    def get_reply(self, item) -> str:
        return item.reply if self.context.get("reply_visible") else ""

    def get_actions(self, item) -> list[str]:
        return self.context.get("actions", [])

    def get_timeline(self, item) -> TimelineRowSerializer(many=True):
        return TimelineRowSerializer(self.context.get("rows", []), many=True).data


class ItemCreateSerializer(serializers.Serializer):
    """A new item (the page's form, as JSON or multipart with ``files``)."""

    title = serializers.CharField(max_length=200)
    content = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    area = serializers.IntegerField(required=False, help_text="街道/镇 id")
    community = serializers.IntegerField(required=False, allow_null=True, help_text="社区/村 id")
    address = serializers.CharField(required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    period = serializers.CharField(required=False, help_text="计入月份 YYYY-MM")
    co_deputies = serializers.ListField(child=serializers.IntegerField(), required=False)
    deputy = serializers.IntegerField(required=False, help_text="工作人员代为录入时:代表 id")
    submit = serializers.BooleanField(required=False, default=False, help_text="true:保存并提交;否则保存为草稿")


class ActionSerializer(serializers.Serializer):
    """The action's own fields, as the page's form for it has them (comment, reply, lead_unit, co_units,
    due_date, days, reason, request, approve, satisfaction, into, result …)."""

    comment = serializers.CharField(required=False, allow_blank=True)


class ActionResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    item = ItemDetailSerializer(allow_null=True)



# ---- deputy suggestions (read) ------------------------------------------------------------------


class SuggestionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(source="display_number")
    title = serializers.CharField()
    session = RefSerializer()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    lead_deputy = RefSerializer()
    lead_units = serializers.SerializerMethodField()
    reply_class = serializers.CharField()
    reply_due = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_lead_units(self, s) -> list[str]:
        return [u.unit.name for u in getattr(s, "lead_units", [])]


class SuggestionReplySerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.name")
    round = serializers.IntegerField()
    reply_class = serializers.CharField()
    doc_number = serializers.CharField()
    body = serializers.CharField()
    adoption = serializers.CharField()
    measures_done = serializers.CharField()
    planned_measures = serializers.CharField()
    planned_date = serializers.DateField(allow_null=True)
    not_adopted_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    sent_back = serializers.SerializerMethodField()

    def get_sent_back(self, r) -> bool:
        return r.sent_back_at is not None


class SuggestionEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.SerializerMethodField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    comment = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")

    def get_actor(self, e) -> str:
        if e.actor_unit_id:
            return e.actor_unit.name
        return str(e.actor) if e.actor_id else ""


class SuggestionDetailSerializer(SuggestionRowSerializer):
    """A suggestion as its page shows it, without contacts and phone numbers (personal data)."""

    body = serializers.CharField()
    category = serializers.CharField(source="category.name", allow_null=True, default=None)
    co_signers = serializers.SerializerMethodField()
    work_rating = serializers.CharField()
    result_rating = serializers.CharField()
    evaluation_due = serializers.DateField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)
    replies = SuggestionReplySerializer(many=True, source="api_replies")
    timeline = SuggestionEventSerializer(many=True, source="api_events")
    actions = serializers.ListField(child=serializers.CharField(), source="api_actions", default=list,
                                    help_text="您现在可以执行的操作(POST /suggestions/{id}/actions/{action})")

    def get_co_signers(self, s) -> RefSerializer(many=True):
        return [{"id": c.deputy.pk, "name": c.deputy.name} for c in s.api_cosigners]


class SuggestionCreateSerializer(serializers.Serializer):
    """A new suggestion (the page's form, as JSON or multipart with ``files``)."""

    session = serializers.IntegerField(required=False, help_text="会议 id;只有一个会议接收建议时可省略")
    title = serializers.CharField(max_length=200, help_text="案由")
    body = serializers.CharField(required=False, allow_blank=True, help_text="内容(提交前必填)")
    category = serializers.IntegerField(required=False, allow_null=True, help_text="小类 id")
    consent_public = serializers.BooleanField(required=False, default=True, help_text="同意公开")
    co_deputies = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="附议代表 id")
    lead_deputy = serializers.IntegerField(required=False, help_text="工作人员代为录入时:领衔代表 id")
    paper_signed = serializers.ListField(child=serializers.IntegerField(), required=False,
                                         help_text="工作人员代为录入时:已收到纸质附议签名的代表 id")
    submit = serializers.BooleanField(required=False, default=False, help_text="true:保存并提交;否则保存为草稿")


class SuggestionActionSerializer(serializers.Serializer):
    """The action's own fields, as the page's form for it has them: evaluate work_rating, result_rating
    (satisfied / basic / dissatisfied) and comment; cosign by staff deputy (a paper signature)."""

    work_rating = serializers.CharField(required=False)
    result_rating = serializers.CharField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True)
    deputy = serializers.IntegerField(required=False)


class SuggestionResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    suggestion = SuggestionDetailSerializer(allow_null=True)


# ---- activities ---------------------------------------------------------------------------------


class ActivityRowSerializer(serializers.Serializer):
    """An activity as the list shows it, with the reader's own invitation (null when not invited)."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    date = serializers.DateField()
    place = serializers.CharField()
    organiser = serializers.SerializerMethodField()
    home = RefSerializer(allow_null=True)
    invited_count = serializers.IntegerField()
    attended_count = serializers.IntegerField()
    leave_count = serializers.IntegerField()
    my_status = serializers.CharField(allow_null=True, help_text="本人的出席情况:invited/attended/leave/absent")

    def get_organiser(self, a) -> str:
        return str(a.organiser.name) if a.organiser is not None else ""


class AttendanceSerializer(serializers.Serializer):
    deputy = RefSerializer()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    note = serializers.CharField()


class ActivityDetailSerializer(ActivityRowSerializer):
    """An activity as its page shows it, and the answers the reader may give now
    (POST /activities/{id}/actions/{action}: sign_in, ask_leave)."""

    summary = serializers.CharField()
    voters_received = serializers.IntegerField()
    attendances = AttendanceSerializer(many=True, source="api_attendances")
    actions = serializers.ListField(child=serializers.CharField(), source="api_actions")


class AskLeaveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="请假事由")


class ActivityActionResultSerializer(serializers.Serializer):
    message = serializers.CharField()
    activity = ActivityDetailSerializer()
