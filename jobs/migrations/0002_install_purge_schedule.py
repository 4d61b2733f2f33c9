"""The hourly 清理过期后台任务文件 in the beat schedule (also written in notifications/schedules.py for fresh
installs and `manage.py install_schedules`). Copied here so this migration keeps doing what it did; an entry
that already exists is left as the admin set it."""

from django.db import migrations

NAME = "后台任务:清理过期结果文件"
TASK = "jobs.purge_old_jobs"
CRONTAB = {"minute": "5", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = "每小时第5分钟删除完成超过24小时(JOB_KEEP_HOURS)的后台导出/导入结果文件,并重新发送排队过久的任务。"
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
        ("jobs", "0001_initial"),
        ("notifications", "0005_scheduled_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
