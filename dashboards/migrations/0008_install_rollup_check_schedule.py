"""The nightly 汇总表校验 in the beat schedule, for databases migrated before it was written down in
notifications/schedules.py (a fresh database gets it from notifications' own install on migrate).

The entry is copied here, not read from schedules.py, so that this migration keeps doing what it did;
an entry that already exists is left as the admin set it."""

from django.db import migrations

NAME = "统计:汇总表校验"
TASK = "dashboards.check_rollups"
CRONTAB = {"minute": "30", "hour": "2", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = "每天2:30校验统计看板汇总表与重新计算是否一致、触发器是否为当前版本,结果在管理员工作台显示。"
TZ = "Asia/Shanghai"


def install(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(timezone=TZ, **CRONTAB)
    PeriodicTask.objects.create(name=NAME, task=TASK, crontab=crontab, description=DESCRIPTION, enabled=True)


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0007_rollup_check"),
        ("notifications", "0003_install_schedules"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
