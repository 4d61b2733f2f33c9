"""个人信息清单: the one declared registry of the personal data the system holds (PIPL), and the rule
for who may see ID numbers and phones in full.

The /privacy/ page is generated from `REGISTRY`; the 显示 endpoint reveals only fields declared
`revealable` here. Retention texts name the setting that holds the period."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.text import mask_id_number, mask_mobile


@dataclass(frozen=True)
class PersonalField:
    key: str                 # "<app>.<model>.<field>", the id in the 显示 URL
    purpose: str
    who: str
    retention: str
    revealable: bool = False  # masked on pages; shown in full on request to `may_see_full_personal_data`
    model_label: str = ""    # a model that does not exist yet (residents, issue 13) names itself here

    @property
    def app_model(self) -> str:
        return self.key.rsplit(".", 1)[0]

    @property
    def field(self) -> str:
        return self.key.rsplit(".", 1)[1]

    def model(self):
        try:
            return apps.get_model(self.app_model)
        except LookupError:
            return None

    def labels(self) -> tuple[str, str]:
        model = self.model()
        if model is None:
            return str(self.model_label), self.field
        return str(model._meta.verbose_name), str(model._meta.get_field(self.field).verbose_name)

    def mask(self, value: str) -> str:
        return mask_id_number(value) if self.field == "id_number" else mask_mobile(value)


_STAFF = _("人大工作人员、系统管理员可点击“显示”查看完整号码(留痕);其他角色仅见脱敏号码")
_ROSTER = _("代表任期内及任期结束后按档案管理规定保存")

REGISTRY: list[PersonalField] = [
    PersonalField("deputies.deputy.name", _("代表名册、履职记录"), _("所有登录用户(按范围)"), _ROSTER),
    PersonalField("deputies.deputy.id_number", _("核实代表身份、换届统计"), _STAFF, _ROSTER, revealable=True),
    PersonalField("deputies.deputy.mobile", _("联系代表、发送短信提醒"), _STAFF, _ROSTER, revealable=True),
    PersonalField("deputies.deputy.birth_date", _("换届统计(年龄结构)"), _("工作人员"), _ROSTER),
    PersonalField("accounts.user.full_name", _("账号显示、办理留痕"), _("工作人员、系统管理员"), _("账号注销后随账号删除")),
    PersonalField("accounts.user.mobile", _("发送短信通知"), _("系统管理员"), _("账号注销后随账号删除")),
    PersonalField("audit.securityevent.ip", _("安全审计(等保2.0)"), _("系统管理员"),
                  _("AUDIT_RETENTION_DAYS 天(至少180天)后由定时任务删除")),
    PersonalField("residents.report.phone", _("验证并回访反映问题的群众"), _STAFF,
                  _("办结后 RESIDENT_DATA_RETENTION_DAYS 天删除"), revealable=True),
]


def entry(key: str) -> PersonalField | None:
    return next((e for e in REGISTRY if e.key == key), None)


def may_see_full_personal_data(user) -> bool:
    """The one rule: roles in PERSONAL_DATA_FULL_ROLES (default admin, district staff)."""
    roles = getattr(settings, "PERSONAL_DATA_FULL_ROLES", ("admin", "district_staff"))
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*roles))
