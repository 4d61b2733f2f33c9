from django.contrib import admin

from .models import PointRule


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    """Rules are data: staff (admin) edit points, caps and categories here."""

    list_display = ("name", "category", "basis", "activity_kind", "points", "quarter_cap", "year_cap", "sort", "is_active")
    list_editable = ("points", "quarter_cap", "year_cap", "sort", "is_active")
    list_filter = ("category", "basis", "is_active")
