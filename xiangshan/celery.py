"""The Celery application. The beat schedule lives in the database (django-celery-beat);
its defaults are written in `notifications/schedules.py` and installed by a migration and by
`python manage.py install_schedules`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.local")

app = Celery("xiangshan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
