from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import HandlingUnit


class UnitUserInline(admin.TabularInline):
    model = User
    fk_name = "unit"
    fields = ["username", "full_name", "mobile", "is_active"]
    readonly_fields = ["username"]
    extra = 0
    can_delete = False
    verbose_name = _("联系人账号")
    verbose_name_plural = _("联系人账号")


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "category", "contact_name", "contact_phone", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "short_name", "contact_name"]
    inlines = [UnitUserInline]
