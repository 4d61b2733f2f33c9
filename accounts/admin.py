from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import User


class ResetPasswordForm(AdminPasswordChangeForm):
    """An admin setting someone's password: through the service, so the user's sessions end and they
    must choose their own password at the next sign-in."""

    def save(self, commit=True):
        from .services import user_password_reset

        if not self.cleaned_data.get("password1"):
            return super().save(commit)
        return user_password_reset(user=self.user, password=self.cleaned_data["password1"])


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    change_password_form = ResetPasswordForm
    list_display = ["username", "full_name", "role_list", "area", "unit", "two_factor", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "area", "unit"]
    search_fields = ["username", "full_name", "mobile"]
    list_select_related = ["area", "unit"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("工作范围"), {"fields": ("full_name", "mobile", "area", "unit")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("工作范围"), {"fields": ("full_name", "mobile", "area", "unit", "groups")}),
    )

    actions = ["reset_two_factor"]

    @admin.action(description=_("重置两步验证(删除身份验证器和恢复码,并退出其所有登录)"))
    def reset_two_factor(self, request, queryset):
        from .twofactor import user_otp_reset

        for user in queryset:
            user_otp_reset(user=user, actor=request.user)
        self.message_user(request, _("已重置 %(n)d 个账号的两步验证。") % {"n": len(queryset)})

    def save_model(self, request, obj, form, change):
        if not change and obj.has_usable_password():
            obj.must_change_password = True  # an initial password set by an admin
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        from django.db.models import Exists, OuterRef
        from django_otp.plugins.otp_totp.models import TOTPDevice

        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).prefetch_related("groups").annotate(has_totp=Exists(enrolled))

    @admin.display(description=_("两步验证"), boolean=True)
    def two_factor(self, obj):
        return obj.has_totp

    @admin.display(description=_("角色"))
    def role_list(self, obj):
        from .choices import Role

        return "、".join(str(Role(g.name).label) for g in obj.groups.all() if g.name in Role.values)


# Devices change only through accounts/twofactor.py (enrolment, 重置两步验证 above), which audit them;
# django-otp's own device admin would edit keys directly.
try:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin.site.unregister(TOTPDevice)
except admin.sites.NotRegistered:
    pass
