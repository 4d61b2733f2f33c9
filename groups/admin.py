from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DeputyGroup, GroupMembership, StateOrgan


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ["deputy"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "area", "liaison_user", "liaison_deputy", "sort"]
    list_filter = ["kind", "area"]
    search_fields = ["name"]
    raw_id_fields = ["liaison_deputy"]
    filter_horizontal = ["contact_areas", "contact_organs"]
    inlines = [MembershipInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["group", "deputy", "role"]
    list_filter = ["role", "group"]
    search_fields = ["deputy__name", "group__name"]
    raw_id_fields = ["deputy"]


@admin.register(StateOrgan)
class StateOrganAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
