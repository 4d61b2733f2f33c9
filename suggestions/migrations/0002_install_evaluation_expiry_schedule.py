"""The nightly 建议:逾期未评价记为未表态 in the beat schedule, for databases migrated before it was written
down in notifications/schedules.py (a fresh database gets it from notifications' own install too).

The entry is copied here, not read from schedules.py, so that this migration keeps doing what it did;
an entry that already exists is left as the admin set it."""

from django.db import migrations

NAME = "建议:逾期未评价记为未表态"
TASK = "suggestions.expire_evaluations"
CRONTAB = {"minute": "20", "hour": "1", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = "每天1:20将评价期已过的代表建议记为“未表态”并办结(不视为满意)。"
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
        ("suggestions", "0001_suggestions_loop"),
        ("notifications", "0003_install_schedules"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
