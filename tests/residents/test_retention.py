"""Retention: residents' personal fields erased after RESIDENT_DATA_RETENTION_DAYS by an idempotent job."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from residents.models import Report
from residents.services import reports_purge_personal
from residents.tasks import purge_personal_data

from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db


def test_it_erases_personal_fields_past_retention_once(cast, settings):
    settings.RESIDENT_DATA_RETENTION_DAYS = 30
    code = _code(cast)
    now = timezone.now()
    old = make_report(code, state="answered", closed_at=now - datetime.timedelta(days=31), address="3号楼",
                      show_name=True)
    recent = make_report(code, state="answered", closed_at=now - datetime.timedelta(days=29))
    open_one = make_report(code, state="accepted")
    Report.objects.filter(pk=open_one.pk).update(created_at=now - datetime.timedelta(days=400))
    stale_pending = make_report(code, state="pending")
    Report.objects.filter(pk=stale_pending.pk).update(created_at=now - datetime.timedelta(days=2))

    assert purge_personal_data() == "2"
    old.refresh_from_db()
    assert (old.name, old.phone, old.address, old.show_name) == ("", "", "", False) and old.purged_at
    assert old.text and old.receipt_no  # the report itself stays (it counts in the figures)
    assert Report.objects.get(pk=stale_pending.pk).phone == ""
    for kept in (recent, open_one):
        kept.refresh_from_db()
        assert kept.phone == "13912345678" and kept.purged_at is None
    first = old.purged_at
    assert purge_personal_data().startswith("already run")  # the beat period is claimed once
    assert reports_purge_personal() == 0  # and a run by hand erases nothing twice
    call_command("purge_resident_data")
    old.refresh_from_db()
    assert old.purged_at == first


def test_the_job_is_on_the_beat_schedule():
    assert PeriodicTask.objects.filter(task="residents.purge_personal_data", enabled=True, crontab__isnull=False).exists()
