"""汇总表校验: `check_rollups` (stored vs recount, installed triggers vs source; exit 1 on a difference),
its nightly beat entry, the admins' panel, and the frozen trigger SQL of migration 0005."""

import importlib
import inspect

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from dashboards import checks, rollup
from dashboards.models import RollupCheck, RollupItem, RollupUnit
from dashboards.sql import LATEST, rollup_v1

from .conftest import build_random

pytestmark = pytest.mark.django_db


def run_check() -> int:
    try:
        call_command("check_rollups")
    except SystemExit as exc:
        return exc.code
    return 0


def test_it_exits_0_on_a_clean_database(cast, frozen, capsys):
    build_random(cast, n=40)
    assert run_check() == 0
    assert "校验通过" in capsys.readouterr().out
    assert RollupCheck.objects.get().ok


def test_it_exits_1_after_a_rollup_row_is_tampered_with(cast, frozen, capsys):
    build_random(cast, n=40)
    row = RollupUnit.objects.filter(assigned__gt=0).order_by("pk").first()
    RollupUnit.objects.filter(pk=row.pk).update(assigned=F("assigned") + 1)
    assert run_check() == 1
    out = capsys.readouterr().out
    assert "dashboards_rollupunit" in out and f"unit_id={row.unit_id}" in out
    assert f"assigned={row.assigned + 1}" in out and f"assigned={row.assigned}" in out
    last = RollupCheck.objects.get()
    assert not last.ok and len(last.differences) == 1
    RollupUnit.objects.filter(pk=row.pk).update(assigned=row.assigned)  # a deleted row is a difference too
    RollupItem.objects.filter(collected__gt=0).order_by("pk").first().delete()
    assert run_check() == 1


def test_it_leaves_the_rollups_as_they_were(cast, frozen):
    build_random(cast, n=20)
    RollupItem.objects.filter(collected__gt=0).update(collected=F("collected") + 5)
    before = sorted(RollupItem.objects.values_list("pk", "collected"))
    run_check()
    assert sorted(RollupItem.objects.values_list("pk", "collected")) == before


def test_it_exits_1_after_the_installed_function_is_replaced(cast, frozen, capsys):
    build_random(cast, n=10)
    with connection.cursor() as cursor:
        cursor.execute("CREATE OR REPLACE FUNCTION dashboards_day(ts timestamptz) RETURNS date "
                       "LANGUAGE sql IMMUTABLE AS $$ SELECT ts::date $$")
    assert run_check() == 1
    assert "dashboards_day" in capsys.readouterr().out


def test_it_exits_1_when_a_trigger_is_disabled_or_missing(cast, frozen, capsys):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE petitions_assignment DISABLE TRIGGER dash_upd")
        cursor.execute("DROP TRIGGER dash_del ON deputy_groups_groupmembership")
    assert run_check() == 1
    out = capsys.readouterr().out
    assert "petitions_assignment.dash_upd" in out and "deputy_groups_groupmembership.dash_del" in out


def test_the_installed_functions_are_what_the_source_installs():
    assert set(checks.expected_functions()) == {
        "dashboards_month", "dashboards_day", *(name for _t, name, _b in rollup.TRIGGERS),
        *(f"{name}_truncate" for _t, name, _b in rollup.TRIGGERS)}
    assert checks.compare_functions() == []


def test_the_migration_runs_its_frozen_sql_not_rollup_py(monkeypatch):
    migration = importlib.import_module("dashboards.migrations.0005_rollup_triggers")
    source = inspect.getsource(migration)
    assert "import rollup\n" not in source and "rollup.install_sql" not in source and "rollup_v1" in source

    def changed(*args, **kwargs):
        raise AssertionError("the migration read the live rollup.py")

    for name in ("install_sql", "rebuild_sql", "uninstall_sql"):
        monkeypatch.setattr(rollup, name, changed)

    class Editor:
        executed = []

        def execute(self, sql):
            self.executed.append(sql)

    editor = Editor()
    migration.install(None, editor)
    migration.uninstall(None, editor)
    assert editor.executed == [rollup_v1.install_sql(settings.TIME_ZONE), rollup_v1.REBUILD, rollup_v1.UNINSTALL]


def test_the_latest_frozen_version_is_what_rollup_py_generates():
    """Changing rollup.py needs a new frozen module (dashboards/sql/rollup_vN.py) and a migration."""
    assert LATEST.install_sql("Asia/Shanghai") == rollup.install_sql("Asia/Shanghai")
    assert LATEST.REBUILD == rollup.rebuild_sql() and LATEST.UNINSTALL == rollup.uninstall_sql()


def test_beat_runs_it_nightly_and_the_task_records_the_result(cast, frozen):
    from dashboards.tasks import check_rollups
    from notifications.schedules import DEFAULT_SCHEDULES

    entry = PeriodicTask.objects.get(task="dashboards.check_rollups")
    assert entry.enabled and (entry.crontab.hour, entry.crontab.minute) == ("2", "30")
    assert any(task == "dashboards.check_rollups" for _n, task, _w, _d in DEFAULT_SCHEDULES)
    assert check_rollups() == "ok" and RollupCheck.objects.get().ok
    from xiangshan.celery import app

    app.loader.import_default_modules()
    assert "dashboards.check_rollups" in app.tasks


def test_admins_see_the_last_result_on_their_home_page(cast, login, frozen):
    client = login(cast.admin)
    assert "尚未校验" in client.get(reverse("home")).content.decode()
    build_random(cast, n=10)
    run_check()
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="rollup-check-panel"' in page and "上次校验时间" in page and "2026-06-15" in page
    assert "一致" in page
    RollupItem.objects.filter(collected__gt=0).update(collected=F("collected") + 1)
    run_check()
    page = client.get(reverse("home")).content.decode()
    assert "发现" in page and "处差异" in page and "dashboards_rollupitem" in page
    assert 'data-testid="rollup-check-panel"' not in login(cast.staff).get(reverse("home")).content.decode()
