from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    ROLE_CHANGE = "role_change", _("角色变更")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    ACCOUNT_CHANGE = "account_change", _("账号状态变更")
    EXPORT = "export", _("导出/下载")
    IMPORT = "import", _("导入")
    PERSONAL_DATA_VIEW = "personal_data_view", _("查看完整个人信息")
    AUDIT_PURGE = "audit_purge", _("清理过期审计记录")
    OTP_ENROL = "otp_enrol", _("启用两步验证")
    OTP_RESET = "otp_reset", _("重置两步验证")
    OTP_RECOVERY_USED = "otp_recovery_used", _("使用恢复码登录")


class EventResult(models.TextChoices):
    SUCCESS = "success", _("成功")
    REFUSED = "refused", _("拒绝")
