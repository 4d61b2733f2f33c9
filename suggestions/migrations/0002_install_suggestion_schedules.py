"""The suggestions' nightly and morning jobs in the beat schedule (建议:逾期未评价记为未表态, 建议:逾期预警),
for databases migrated before they were written down in notifications/schedules.py (a fresh database
gets them from notifications' own install too).

The entries are copied here, not read from schedules.py, so that this migration keeps doing what it did;
an entry that already exists is left as the admin set it."""

from django.db import migrations

TZ = "Asia/Shanghai"
ENTRIES = [
    ("建议:逾期未评价记为未表态", "suggestions.expire_evaluations", {"minute": "20", "hour": "1"},
     "每天1:20将评价期已过的代表建议记为“未表态”并办结(不视为满意)。"),
    ("建议:逾期预警", "suggestions.send_alerts", {"minute": "35", "hour": "8"},
     "每个工作日8:35向承办单位发送逾期和即将逾期的代表建议,向工作人员发送逾期数,超期过久的升级至领导。"),
]


def install(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    for name, task, cron, description in ENTRIES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _created = CrontabSchedule.objects.get_or_create(
            timezone=TZ, day_of_week="*", day_of_month="*", month_of_year="*", **cron)
        PeriodicTask.objects.create(name=name, task=task, crontab=crontab, description=description, enabled=True)


def uninstall(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, _cron, _description in ENTRIES:
        PeriodicTask.objects.filter(name=name, task=task).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_suggestions_loop"),
        ("notifications", "0003_install_schedules"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
