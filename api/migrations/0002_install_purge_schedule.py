"""The hourly 接口:清理过期幂等键 in the beat schedule (also written in notifications/schedules.py for fresh
installs and `manage.py install_schedules`). Copied here so this migration keeps doing what it did; an entry
that already exists is left as the admin set it."""

from django.db import migrations

NAME = "接口:清理过期幂等键"
TASK = "api.purge_idempotency"
CRONTAB = {"minute": "25", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = "每小时第25分钟删除超过保存期限(API_IDEMPOTENCY_HOURS,默认24小时)的接口幂等键记录。"
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
        ("api", "0001_initial"),
        ("notifications", "0005_scheduled_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
