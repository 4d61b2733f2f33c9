from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "code", "sort"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    ordering = ["parent__id", "sort", "id"]
