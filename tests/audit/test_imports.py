"""Every import records one security event when it writes (not on its dry run)."""

import pytest
from django.urls import reverse

from audit.choices import EventKind
from audit.models import SecurityEvent
from tests.ledger.test_import import good_rows, workbook

pytestmark = pytest.mark.django_db


def test_a_ledger_import_through_the_page_is_recorded_once_and_its_dry_run_not(cast, login):
    client = login(cast.staff)
    f = workbook(good_rows())
    f.name = "ledger.xlsx"
    token = client.post(reverse("ledger:dry_run"), {"file": f, "create_units": "on"}).context["token"]
    assert not SecurityEvent.objects.filter(kind=EventKind.IMPORT).exists()
    client.post(reverse("ledger:confirm"), {"token": token, "create_units": "on"}, REMOTE_ADDR="10.4.4.4")
    event = SecurityEvent.objects.get(kind=EventKind.IMPORT)
    assert (event.user, event.ip, event.detail["what"], event.detail["created"]) == (cast.staff, "10.4.4.4",
                                                                                     "ledger", 4)


def test_a_holiday_schedule_import_is_recorded(cast):
    import datetime as dt

    from holidays.services import calendar_year_replace

    calendar_year_replace(year=2027, actor=cast.staff, reason="导入", entries=[
        {"kind": "holiday", "name": "元旦", "start": dt.date(2027, 1, 1), "end": dt.date(2027, 1, 1)}])
    event = SecurityEvent.objects.get(kind=EventKind.IMPORT)
    assert event.user == cast.staff and event.detail["what"] == "holidays" and event.detail["year"] == 2027
