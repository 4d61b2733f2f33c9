"""Admin: items are read-only here (the state changes only through petitions.workflow); the
deadline settings are editable; the calendar fallback is announced."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.workdays import unknown_years

from .models import Assignment, Attachment, HandlingRequest, Item, ItemEvent, ItemSettings


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = ItemEvent
    fields = ["created_at", "action", "actor", "actor_unit", "from_state", "to_state", "comment"]
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["round", "unit", "role", "assigned_at", "due_date", "extension_days", "handled_at", "cancelled_at",
              "is_current"]
    readonly_fields = fields


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    """Read-only: nothing here may change an item's state or its history (STYLE.md)."""

    list_display = ["id", "title", "deputy", "area", "state", "lead_unit", "period", "submitted_at", "stage_due"]
    list_filter = ["state", "category", "source", "supervised", "imported", "area"]
    search_fields = ["title", "content", "deputy__name"]
    list_select_related = ["deputy", "area", "lead_unit"]
    date_hierarchy = "submitted_at"
    inlines = [AssignmentInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Item._meta.fields] + ["co_deputies"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ItemEvent)
class ItemEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "item", "action", "actor", "from_state", "to_state"]
    list_filter = ["action"]
    list_select_related = ["item", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HandlingRequest)
class HandlingRequestAdmin(ItemEventAdmin):
    list_display = ["requested_at", "item", "kind", "status", "days", "requested_by", "decided_by"]
    list_filter = ["kind", "status"]
    list_select_related = ["item", "requested_by", "decided_by"]


@admin.register(Attachment)
class AttachmentAdmin(ItemEventAdmin):
    list_display = ["uploaded_at", "item", "name", "content_type", "size", "uploaded_by"]
    list_filter = ["content_type"]
    list_select_related = ["item", "uploaded_by"]


def calendar_warning(user, missing: list[int]):
    """Years without a holiday schedule: staff enter it on the 节假日安排 page (holidays app); those who
    may open that page get a link to each missing year."""
    from holidays.services import EDIT_ROLES as CALENDAR_ROLES

    text = _("尚未录入 %(y)s 年的节假日安排(法定节假日与调休上班日),这些年份暂按周一至周五计算工作日。") % {
        "y": "、".join(map(str, missing))}
    if not user.has_role(*CALENDAR_ROLES):
        return format_html("{} {}", text, _("请区人大工作人员在“节假日安排”中录入。"))
    links = format_html_join(" ", '<a href="{}">{}</a>', (
        (reverse("holidays:year", args=[year]), _("在“节假日安排”中录入 %(year)d 年") % {"year": year})
        for year in missing))
    return format_html("{} {}", text, links)


@admin.register(ItemSettings)
class ItemSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "research_workdays", "handling_workdays", "extension_max_workdays",
                    "evaluation_days", "return_window_workdays", "due_soon_workdays", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return not ItemSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        ItemSettings.load()
        year = timezone.localdate().year
        missing = unknown_years([year, year + 1])
        if missing:
            messages.warning(request, calendar_warning(request.user, missing))
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
