from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role_list", "area", "unit", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "area", "unit"]
    search_fields = ["username", "full_name", "mobile"]
    list_select_related = ["area", "unit"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("工作范围"), {"fields": ("full_name", "mobile", "area", "unit")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("工作范围"), {"fields": ("full_name", "mobile", "area", "unit", "groups")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def role_list(self, obj):
        from .choices import Role

        return "、".join(str(Role(g.name).label) for g in obj.groups.all() if g.name in Role.values)
