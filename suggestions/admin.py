"""Admin: suggestions are read-only here (the state changes only through suggestions.services);
sessions, categories and the deadline settings are editable."""

from django.contrib import admin

from .models import (
    Category,
    Consultation,
    CoSigner,
    Evaluation,
    Reply,
    Session,
    Suggestion,
    SuggestionEvent,
    SuggestionSettings,
    SuggestionUnit,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CoSignerInline(ReadOnlyInline):
    model = CoSigner
    fields = readonly_fields = ["deputy", "confirmed_at", "on_paper", "confirmed_by"]


class UnitInline(ReadOnlyInline):
    model = SuggestionUnit
    fields = readonly_fields = ["round", "unit", "role", "assigned_at", "due_date", "done_at", "cancelled_at",
                                "is_current"]


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = readonly_fields = ["round", "unit", "reply_class", "doc_number", "signer", "submitted_at",
                                "sent_back_at"]


class ConsultationInline(ReadOnlyInline):
    model = Consultation
    fields = readonly_fields = ["round", "unit", "form", "date", "person_name", "person_level", "answer"]


class EvaluationInline(ReadOnlyInline):
    model = Evaluation
    fields = readonly_fields = ["round", "deputy", "work_rating", "result_rating", "proxy", "evaluated_at"]


class EventInline(ReadOnlyInline):
    model = SuggestionEvent
    fields = readonly_fields = ["created_at", "action", "actor", "actor_unit", "from_state", "to_state", "comment"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "kind", "year", "starts_on", "open_for_submissions", "last_number"]
    list_filter = ["level", "kind", "open_for_submissions"]
    readonly_fields = ["last_number"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "sort"]
    list_filter = ["parent"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "session", "lead_deputy", "state", "reply_class", "reply_due"]
    list_filter = ["session", "state", "reply_class", "key_supervision", "tracking"]
    search_fields = ["title", "lead_deputy__name"]
    list_select_related = ["session", "lead_deputy"]
    inlines = [CoSignerInline, UnitInline, ConsultationInline, ReplyInline, EvaluationInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SuggestionSettings)
class SuggestionSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SuggestionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
