from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs change only in the worker (jobs/services.py)."""

    list_display = ["kind", "owner", "state", "total", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["owner"]
    readonly_fields = [f.name for f in Job._meta.fields if f.name != "params"]
    exclude = ["params"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
