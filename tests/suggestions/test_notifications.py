"""Who is told what: the outbox rows of an action exist exactly when the action happened."""

import io

import pytest
from django.core.management import call_command

from notifications.models import Notification
from suggestions import services
from suggestions.choices import State

from .helpers import make

pytestmark = pytest.mark.django_db


def test_it_tells_the_lead_and_co_units_on_assignment(cast):
    make(cast, State.HANDLING)
    units = set(Notification.objects.filter(kind="suggestion.assign").values_list("recipient_unit__name", flat=True))
    assert units == {"相山区住房和城乡建设局", "淮北市相山区生态环境分局"}


def test_it_tells_nobody_when_a_step_is_refused(cast):
    s = make(cast, State.ACCEPTED)
    before = Notification.objects.count()
    with pytest.raises(services.LoopError):
        services.suggestion_assign(suggestion=s, actor=cast.staff, split_units=[cast.zhujian.unit])
    assert Notification.objects.count() == before


def test_the_expiry_job_runs_by_hand_with_a_date(cast):
    s = make(cast, State.ANSWERED)
    out = io.StringIO()
    call_command("expire_suggestion_evaluations", "--date", "2026-12-27", stdout=out)
    assert "1 件" in out.getvalue()
    s.refresh_from_db()
    assert s.state == State.CONCLUDED and s.work_rating == "no_answer"


def test_the_expiry_job_is_in_the_beat_schedule_and_runs_as_a_task(cast):
    from django_celery_beat.models import PeriodicTask

    from notifications.schedules import install
    from suggestions.tasks import expire_evaluations

    install()
    assert PeriodicTask.objects.filter(task="suggestions.expire_evaluations", enabled=True).exists()
    s = make(cast, State.ANSWERED)
    assert expire_evaluations("2026-12-26") == "0"
    assert expire_evaluations("2026-12-27") == "1"
    s.refresh_from_db()
    assert s.work_rating == "no_answer"


def test_it_alerts_units_staff_and_leaders_once_a_working_day(cast):
    import datetime

    from suggestions.models import Suggestion

    late = make(cast, State.HANDLING)  # due 2027-02-26
    soon = make(cast, State.HANDLING)
    Suggestion.objects.filter(pk=soon.pk).update(reply_due=datetime.date(2027, 4, 2))
    morning = datetime.date(2027, 3, 30)  # a Tuesday: `late` is 32 days overdue
    assert services.send_suggestion_alerts(today=datetime.date(2027, 3, 28)) == 0  # a Sunday
    created = services.send_suggestion_alerts(today=morning)
    assert created > 0
    assert services.send_suggestion_alerts(today=morning) == 0  # a second run sends nothing twice
    unit = Notification.objects.get(kind="suggestion.unit_alert", recipient_unit=cast.zhujian.unit)
    assert "逾期 1 件,即将逾期 1 件" in unit.title
    assert late.display_number in unit.body and soon.display_number in unit.body
    assert not Notification.objects.filter(kind="suggestion.unit_alert", recipient_unit=cast.huanbao.unit).exists()
    assert Notification.objects.filter(kind="suggestion.staff_overdue", recipient=cast.staff).exists()
    leader = Notification.objects.get(kind="suggestion.escalate", recipient=cast.leader)
    assert "1 件" in leader.title and late.display_number in leader.body


def test_it_does_not_alert_on_a_suggestion_already_answered(cast):
    import datetime

    make(cast, State.REVIEW)
    assert services.send_suggestion_alerts(today=datetime.date(2027, 3, 30)) == 0


def test_the_alert_job_runs_by_hand(cast):
    make(cast, State.HANDLING)
    out = io.StringIO()
    call_command("send_suggestion_alerts", "--date", "2027-03-30", stdout=out)
    assert "新建通知" in out.getvalue()
    assert Notification.objects.filter(kind="suggestion.unit_alert").exists()
