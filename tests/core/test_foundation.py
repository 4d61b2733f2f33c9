import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.choices import Role
from areas.models import Area
from tests.access import ViewAccessCases
from tests.subprocess_env import child_env, database_url

ROOT = Path(__file__).resolve().parents[2]


class TestHomeAccess(ViewAccessCases):
    allowed = ("admin", "staff", "dongshan_staff", "zhujian", "deputy", "group_leader", "leader")

    def url(self, cast):
        return reverse("home")


class TestProfileAccess(ViewAccessCases):
    allowed = ("staff", "deputy", "leader")

    def url(self, cast):
        return reverse("profile")

    def test_it_links_to_password_and_notification_settings(self, login, cast):
        body = login(cast.deputy).get(self.url(cast)).content.decode()
        assert reverse("password_change") in body and reverse("notifications:preferences") in body


class TestLogoutIsPostOnly(ViewAccessCases):
    method = "post"
    allowed = ("staff",)

    def url(self, cast):
        return reverse("logout")

    def test_it_sends_anonymous_users_to_login(self, client, cast):
        # Logging out while logged out is harmless: it lands on the login page too.
        response = client.post(self.url(cast))
        assert response.status_code == 302


@pytest.mark.django_db
def test_it_installs_one_group_per_role():
    from accounts.services import roles_install

    Group.objects.all().delete()
    roles_install()
    roles_install()
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(Role.values)


@pytest.mark.django_db
def test_it_loads_the_xiangshan_area_tree_into_an_empty_database():
    call_command("loaddata", "xiangshan_areas", verbosity=0)
    district = Area.objects.get(kind="district")
    assert district.name == "相山区"
    assert sorted(district.children.values_list("name", flat=True)) == sorted([
        "渠沟镇", "相南街道", "东街道", "西街道", "东山街道", "任圩街道", "南黎街道", "曲阳街道",
        "三堤口街道", "相山经济开发区"])
    assert Area.objects.get(name="周庄社区").full_name == "东山街道周庄社区"
    assert Area.objects.get(name="寇湾社区").parent.name == "任圩街道"
    assert Area.objects.get(name="吕庄村").parent.name == "渠沟镇"
    dongshan = Area.objects.get(name="东山街道")
    assert set(Area.objects.subtree(dongshan).values_list("name", flat=True)) == {"东山街道", "周庄社区"}


@pytest.mark.django_db
def test_it_shows_the_login_page_in_chinese(client):
    # Even to a browser that prefers English: the product speaks Chinese.
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert "登录" in body and "用户名" in body and "密码" in body
    assert 'lang="zh-hans"' in body
    assert "Username" not in body and "Password" not in body


@pytest.mark.django_db
def test_it_logs_in_and_lands_on_the_home_page(client, cast):
    response = client.post(reverse("login"), {"username": "staff", "password": "pw-for-tests-1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "李明" in response.content.decode()


@pytest.mark.django_db
def test_it_locks_an_account_after_five_failures_and_says_when_to_retry(client, cast):
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    response = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 429
    assert "账号已被暂时锁定" in body and "30 分钟" in body
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "staff", "password": "pw-for-tests-1"})
    assert response.status_code == 429


@pytest.mark.django_db
def test_it_shows_404_in_chinese(login, cast):
    response = login(cast.staff).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_it_reports_database_and_broker_health(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "down" and response.json()["database"] == "ok"


@pytest.mark.django_db
def test_it_formats_dates_the_chinese_way():
    import datetime

    from django.template import Context, Template

    out = Template("{{ d|date }}").render(Context({"d": datetime.date(2026, 11, 26)}))
    assert out == "2026年11月26日"


@pytest.mark.django_db
def test_it_shows_navigation_by_role(login, cast):
    body = login(cast.leader).get(reverse("home")).content.decode()
    assert "王主任" in body and "领导" in body
    assert reverse("admin:index") not in body
    assert reverse("admin:index") in login(cast.admin).get(reverse("home")).content.decode()


def _run_with_production_settings(extra_env, *args):
    env = child_env(settings_module="xiangshan.settings.production",
                    drop=("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"),
                    **extra_env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_it_refuses_to_start_production_without_a_secret_key():
    result = _run_with_production_settings(
        {"DATABASE_URL": "postgres://x@127.0.0.1/x", "REDIS_URL": "redis://127.0.0.1:6379/0",
         "ALLOWED_HOSTS": "rd.example"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "DATABASE_URL" not in result.stderr.split("SECRET_KEY")[1].splitlines()[0]


def test_it_passes_the_deploy_check_with_production_settings():
    result = _run_with_production_settings(
        {"SECRET_KEY": "x" * 50 + "-Kq8#mZ2!vR7", "DATABASE_URL": database_url(),
         "REDIS_URL": "redis://127.0.0.1:6379/0", "ALLOWED_HOSTS": "rd.example"},
        "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_it_refuses_demo_data_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEMO_ACCOUNTS = False
    with pytest.raises(CommandError, match="生产环境"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_it_seeds_demo_data_idempotently(capsys):
    call_command("seed_demo")
    from accounts.models import User
    from units.models import HandlingUnit

    counts = (User.objects.count(), HandlingUnit.objects.count(), Area.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), HandlingUnit.objects.count(), Area.objects.count()) == counts
    assert HandlingUnit.objects.count() >= 40
    out = capsys.readouterr().out
    for username in ("admin", "staff", "dongshan", "zhujian", "deputy", "zuzhang", "leader"):
        assert username in out
    assert User.objects.get(username="deputy").deputy is not None
    leader = User.objects.get(username="zuzhang").deputy
    assert leader.memberships.filter(role="leader").count() == 1
    assert json.dumps(sorted(User.objects.get(username="zuzhang").roles)) == json.dumps(
        sorted([Role.DEPUTY, Role.GROUP_LEADER]))


@pytest.mark.django_db
def test_it_scopes_areas_to_what_each_role_may_see(cast):
    assert Area.objects.in_scope_of(cast.leader).count() == Area.objects.count()
    assert set(Area.objects.in_scope_of(cast.dongshan_staff).values_list("name", flat=True)) == {"东山街道", "周庄社区"}
    assert not Area.objects.in_scope_of(cast.zhujian).exists()
    assert list(Area.objects.in_scope_of(cast.renwei_staff).towns().values_list("name", flat=True)) == ["任圩街道"]
