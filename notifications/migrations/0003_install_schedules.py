"""Install the default beat schedule (notifications/schedules.py) on migrate."""

from django.db import migrations


def install(apps, schema_editor):
    from notifications.schedules import install as install_schedules

    install_schedules(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_delivery_preferences_escalation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
