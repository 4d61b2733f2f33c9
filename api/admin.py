from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Device, WeChatBinding


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    """Admins see every API device and sign out a lost phone (注销); tokens are never shown."""

    list_display = ("user", "name", "created_at", "last_used_at", "ip", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "user__full_name", "name")
    fields = ("user", "name", "created_at", "last_used_at", "access_expires_at", "refresh_expires_at", "ip",
              "user_agent", "revoked_at", "revoked_by")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("注销所选设备"))
    def revoke(self, request, queryset):
        n = sum(services.device_revoke(device=d, actor=request.user, request=request) for d in queryset)
        self.message_user(request, _("已注销 %(n)s 台设备。") % {"n": n}, messages.SUCCESS)


@admin.register(WeChatBinding)
class WeChatBindingAdmin(admin.ModelAdmin):
    """Admins unbind a WeChat account (delete the row) for a lost or handed-over phone; the account then
    binds again by SMS. Revoke its devices too (above) to end the sessions already signed in."""

    list_display = ("user", "created_at", "last_used_at")
    search_fields = ("user__username", "user__full_name")
    fields = ("user", "openid", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
