"""The projects' morning job in the beat schedule (民生实事:项目节点预警), for databases migrated before it was
written down in notifications/schedules.py. The entry is copied here, not read from schedules.py, so that
this migration keeps doing what it did; an entry that already exists is left as the admin set it."""

from django.db import migrations

TZ = "Asia/Shanghai"
NAME = "民生实事:项目节点预警"
TASK = "projects.send_milestone_alerts"
CRON = {"minute": "40", "hour": "8"}
DESCRIPTION = "每个工作日8:40向责任单位发送民生实事项目已逾期和即将到期的节点。"


def install(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        timezone=TZ, day_of_week="*", day_of_month="*", month_of_year="*", **CRON)
    PeriodicTask.objects.create(name=NAME, task=TASK, crontab=crontab, description=DESCRIPTION, enabled=True)


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME, task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_milestones_photos"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("notifications", "0005_scheduled_runs"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
