from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, Attendance, ReceptionProblem


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["deputy"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "title", "organiser_group", "organiser_area"]
    list_filter = ["kind"]
    search_fields = ["title", "place"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]
    raw_id_fields = ["items"]


@admin.register(ReceptionProblem)
class ReceptionProblemAdmin(admin.ModelAdmin):
    list_display = ["activity", "deputy", "description", "solved_on_site", "item"]
    # The item is created through the petitions workflow only, never here.
    readonly_fields = ["item"]
    raw_id_fields = ["activity", "deputy"]
