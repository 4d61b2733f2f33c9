from django.db import migrations


def install(apps, schema_editor):
    # The new beat entry "群众来信:删除过期个人信息" (notifications/schedules.py).
    from notifications.schedules import install as install_schedules

    install_schedules(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("notifications", "0005_scheduled_runs"),
        ("residents", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
