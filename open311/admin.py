from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.loops import LoopError

from . import services
from .models import Partner, ServiceRequest


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Partner apps of Open311. Adding one shows its api_key once; revoking goes through the action."""

    list_display = ("name", "key_prefix", "is_active", "created_at", "revoked_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    fields = ("name", "key_prefix", "is_active", "created_at", "created_by", "revoked_at")
    readonly_fields = ("key_prefix", "is_active", "created_at", "created_by", "revoked_at")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ("name", *self.readonly_fields) if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # keeps naming the reports it sent; revoke instead

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            issued = services.partner_create(name=obj.name, actor=request.user)
        except LoopError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = issued.partner.pk
        obj.refresh_from_db()
        self.message_user(request, _("合作方“%(name)s”的 api_key(只显示这一次,请妥善转交):%(key)s")
                          % {"name": issued.partner.name, "key": issued.key}, messages.WARNING)

    @admin.action(description=gettext_lazy("停用所选合作方的 api_key"))
    def revoke(self, request, queryset):
        count = sum(services.partner_revoke(partner=p) for p in queryset)
        self.message_user(request, _("已停用 %(n)s 个合作方的 api_key。") % {"n": count})


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ("token", "report", "partner", "created_at")
    list_filter = ("partner",)
    list_select_related = ("report", "partner")
    readonly_fields = ("token", "report", "partner", "lat", "long", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
