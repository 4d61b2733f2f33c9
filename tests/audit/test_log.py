"""The security audit log: append-only in the database, retention, and each event recorded by doing
the real thing (sign-in through the login page, a failed one, sign-out, a role change, a download)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from audit.choices import EventKind, EventResult
from audit.models import AppendOnlyError, SecurityEvent
from audit.services import security_event_record, security_events_purge
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _event(days_ago=0, kind=EventKind.LOGIN):
    return SecurityEvent.objects.create(kind=kind, username="x", at=timezone.now() - dt.timedelta(days=days_ago))


def test_the_database_refuses_update_and_delete_by_raw_sql():
    event = _event()
    for sql in ("UPDATE audit_securityevent SET username = 'y' WHERE id = %s",
                "DELETE FROM audit_securityevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).username == "x"


def test_the_purge_flag_does_not_let_young_rows_go_even_by_raw_sql():
    young = _event(days_ago=100)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT set_config('audit.purge', 'on', true), set_config('audit.retention_days', '1', true)")
        c.execute("DELETE FROM audit_securityevent WHERE id = %s", [young.pk])
    assert SecurityEvent.objects.filter(pk=young.pk).exists()


def test_the_model_refuses_changes_and_deletes():
    event = _event()
    event.username = "y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.update(username="z")


def test_the_retention_job_removes_only_rows_past_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    old, recent = _event(days_ago=200), _event(days_ago=170)
    call_command("purge_security_events")
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=recent.pk).exists()
    assert SecurityEvent.objects.filter(kind=EventKind.AUDIT_PURGE, detail__removed=1).exists()


def test_retention_below_the_floor_is_raised_to_180_days(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    kept = _event(days_ago=60)
    assert security_events_purge() == 0
    assert SecurityEvent.objects.filter(pk=kept.pk).exists()


def test_the_purge_job_is_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="audit.purge_security_events", enabled=True).exists()


def test_sign_in_through_the_login_page_is_recorded_with_the_ip(cast, client):
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=EventKind.LOGIN)
    assert (event.user, event.username, event.ip, event.result) == (cast.staff, "staff", "10.1.2.3",
                                                                    EventResult.SUCCESS)


def test_a_failed_sign_in_is_recorded_as_refused(cast, client):
    client.post(reverse("login"), {"username": "staff", "password": "wrong-password"}, REMOTE_ADDR="10.9.9.9")
    event = SecurityEvent.objects.get(kind=EventKind.LOGIN_FAILED)
    assert (event.username, event.ip, event.result, event.user) == ("staff", "10.9.9.9", EventResult.REFUSED, None)


def test_sign_out_is_recorded(cast, login):
    login(cast.staff).post(reverse("logout"))
    assert SecurityEvent.objects.filter(kind=EventKind.LOGOUT, user=cast.staff).exists()


def test_role_and_flag_and_password_changes_are_recorded(cast):
    user = cast.dongshan_staff
    mark = SecurityEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    user.groups.add(Group.objects.get(name=Role.DISTRICT_STAFF))
    role = SecurityEvent.objects.get(kind=EventKind.ROLE_CHANGE, pk__gt=mark)
    assert role.object_id == str(user.pk) and role.detail["groups"] == [Role.DISTRICT_STAFF]
    user.is_active = False
    user.save()
    assert SecurityEvent.objects.get(kind=EventKind.ACCOUNT_CHANGE, pk__gt=mark).detail["changes"] == {"is_active": [True, False]}
    user.set_password("another-pass-123")
    user.save()
    assert SecurityEvent.objects.filter(kind=EventKind.PASSWORD_CHANGE, object_id=str(user.pk), pk__gt=mark).exists()


def test_the_username_stays_when_the_account_is_deleted(cast):
    user = cast.dongshan_staff
    event = security_event_record(kind=EventKind.LOGIN, user=user)
    user.delete()  # no ON DELETE update of the event: the trigger would refuse it
    event = SecurityEvent.objects.get(pk=event.pk)
    assert event.username == "dongshan"


def test_a_download_is_recorded_as_an_export(cast, login):
    response = login(cast.staff).get(reverse("dashboards:export", args=["units"]),
                                      {"period": "year", "year": "2026"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=EventKind.EXPORT)
    assert event.user == cast.staff and event.ip == "10.0.0.7"
    assert event.detail["filename"].endswith(".xlsx") and "year=2026" in event.detail["query"]
