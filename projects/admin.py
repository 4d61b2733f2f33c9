"""Read-only admin views: every change goes through projects.services (STYLE.md)."""

from django.contrib import admin

from .models import Electorate, ElectorateMember, Issue, Milestone, Project, VoteRound


class ReadOnly(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Electorate)
class ElectorateAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "kind")


@admin.register(ElectorateMember)
class ElectorateMemberAdmin(admin.ModelAdmin):
    list_display = ("electorate", "deputy", "active")
    raw_id_fields = ("deputy",)


@admin.register(VoteRound)
class VoteRoundAdmin(ReadOnly):
    list_display = ("electorate", "year", "places", "state")


@admin.register(Project)
class ProjectAdmin(ReadOnly):
    list_display = ("candidate", "state", "percent", "grade")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnly):
    list_display = ("project", "name", "planned_on", "done_on")


@admin.register(Issue)
class IssueAdmin(ReadOnly):
    list_display = ("project", "owner", "state", "due_on")
