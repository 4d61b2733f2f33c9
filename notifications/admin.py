from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .choices import DeliveryStatus
from .models import Delivery, Escalation, Notification, NotificationPreference, ScheduledRun
from .services import delivery_retry


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "address", "status", "attempts", "next_attempt_at", "claimed_until", "sent_at",
                       "last_error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by `notify` only; staff may retry failed channels."""

    list_display = ["created_at", "kind", "title", "recipient", "recipient_deputy", "recipient_unit", "read_at"]
    list_filter = ["kind", "deliveries__status", "deliveries__channel"]
    search_fields = ["title", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [DeliveryInline]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送失败的渠道"))
    def retry_failed(self, request, queryset):
        count = sum(delivery_retry(notification=n) for n in queryset.filter(deliveries__status=DeliveryStatus.FAILED)
                    .distinct())
        self.message_user(request, _("已重新安排 %(n)s 个渠道。") % {"n": count}, messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "channels", "updated_at"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user"]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["key", "item_id", "escalated_on"]
    readonly_fields = ["key", "item_id", "escalated_on"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """Read-only: which scheduled job ran for which period, and which were caught up after an outage."""

    list_display = ("task", "period", "started_at", "finished_at", "caught_up", "skipped", "result")
    list_filter = ("task", "caught_up", "skipped")
    date_hierarchy = "period"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
