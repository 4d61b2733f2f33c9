from django.contrib import admin

from .models import BlockedPhone, ResidentCode


@admin.register(ResidentCode)
class ResidentCodeAdmin(admin.ModelAdmin):
    """Only the deputies on duty are edited here; issuing and revoking go through the code pages."""

    list_display = ("kind", "deputy", "home", "area", "is_active", "created_at")
    list_filter = ("kind", "is_active")
    fields = ("kind", "deputy", "home", "is_active", "on_duty")
    readonly_fields = ("kind", "deputy", "home", "is_active")
    filter_horizontal = ("on_duty",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BlockedPhone)
class BlockedPhoneAdmin(admin.ModelAdmin):
    """The blocklist (also kept on the 屏蔽号码 page)."""

    list_display = ("__str__", "reason", "created_by", "created_at")
    search_fields = ("phone", "reason")
    fields = ("phone", "reason")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
