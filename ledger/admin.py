from django.contrib import admin

from .models import LedgerRow


@admin.register(LedgerRow)
class LedgerRowAdmin(admin.ModelAdmin):
    list_display = ("number", "item", "source_file", "row", "imported_at", "imported_by")
    search_fields = ("number",)
    readonly_fields = ("number", "item", "source_file", "row", "imported_at", "imported_by")

    def has_add_permission(self, request):
        return False
