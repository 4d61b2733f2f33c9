from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Link, Opinion


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Read-only: 双联 records change through the pages (liaison.services), which check rights and input."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Link)
class LinkAdmin(ReadOnlyAdmin):
    list_display = ("member", "deputy", "term", "since", "active", "ended_on")
    list_filter = ("active", "term")
    search_fields = ("member__full_name", "deputy__name")


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("link", "kind", "date", "place", "created_by")
    list_filter = ("kind",)
    search_fields = ("link__member__full_name", "link__deputy__name", "heard")


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "contact", "item", "converted_at")
    search_fields = ("text",)
