"""manage.py security_report: each control of issue 17 with its setting and state."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _report(capsys, *args):
    call_command("security_report", *args)
    return capsys.readouterr().out


def test_it_lists_every_control_with_its_state_as_json(capsys, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    rows = {r["name"]: r for r in json.loads(_report(capsys, "--json"))}
    for name in ("会话空闲超时(秒)", "会话绝对时长(秒)", "双因素认证强制角色", "密码最短长度", "登录失败锁定(次)",
                 "安全审计保存期限(天)", "内容安全策略 CSP", "HSTS(秒)", "会话 Cookie 仅 HTTPS",
                 "证件号码和电话脱敏(完整显示留痕)", "导出防公式注入", "关怀版(适老化)", "manage.py check --deploy"):
        assert name in rows, name
    assert rows["安全审计保存期限(天)"] == {"name": "安全审计保存期限(天)", "setting": "AUDIT_RETENTION_DAYS",
                                     "value": "200", "ok": True}
    assert rows["审计记录不可修改(数据库触发器)"]["ok"] and rows["过期审计记录定时清理"]["ok"]


def test_settings_not_there_yet_read_as_not_configured(capsys, settings):
    for name in ("OTP_REQUIRED_ROLES", "SESSION_IDLE_TIMEOUT", "SESSION_IDLE_MINUTES"):
        if hasattr(settings, name):
            delattr(settings, name)
    rows = {r["name"]: r for r in json.loads(_report(capsys, "--json", "--skip-deploy-check"))}
    assert rows["双因素认证强制角色"]["value"] == "未配置" and not rows["双因素认证强制角色"]["ok"]
    assert rows["会话空闲超时(秒)"]["value"] == "未配置"
    settings.OTP_REQUIRED_ROLES = ["admin", "district_staff"]
    settings.SESSION_IDLE_MINUTES = 30
    rows = {r["name"]: r for r in json.loads(_report(capsys, "--json", "--skip-deploy-check"))}
    assert rows["双因素认证强制角色"] == {"name": "双因素认证强制角色", "setting": "OTP_REQUIRED_ROLES",
                                   "value": "admin, district_staff", "ok": True}
    assert rows["会话空闲超时(秒)"]["value"] == "1800" and rows["会话空闲超时(秒)"]["ok"]


def test_the_text_report_marks_each_control(capsys):
    out = _report(capsys, "--skip-deploy-check")
    assert "✓ 安全审计保存期限(天): 180  [AUDIT_RETENTION_DAYS]" in out and "项符合要求" in out
