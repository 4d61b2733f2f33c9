"""Answers the resident does not rate close by themselves (逾期未评价办结, the nightly job), and a converted
report whose opinion item was merged (合并) into another follows the master item to the rating."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from petitions import workflow
from residents import selectors, services
from residents.models import Report, ReportEvent
from residents.tasks import close_unrated

from .conftest import conclude_item
from .test_inbox import _code, make_report

pytestmark = pytest.mark.django_db


def _answered_on(cast, day: str, reply="已联系物业,本周内修好。") -> Report:
    with time_machine.travel(f"{day} 10:00 +0800"):
        return services.report_answer(report=make_report(_code(cast)), actor=cast.deputy, reply=reply)


def _rate(client, report, satisfaction, comment=""):
    return client.post(reverse("residents_public:rate", args=[report.status_token]),
                       {"satisfaction": satisfaction, "comment": comment})


def test_it_closes_only_the_due_ones_as_unrated(cast, settings):
    settings.RESIDENT_RATING_DAYS = 15
    due = _answered_on(cast, "2026-11-01")           # may be rated through 11-16
    last_day = _answered_on(cast, "2026-11-02")      # through 11-17: not yet due on 11-17
    rated = _answered_on(cast, "2026-11-01")
    with time_machine.travel("2026-11-10 10:00 +0800"):
        services.report_rate(report=rated, satisfaction="satisfied", ip="10.0.0.1")
    open_report = make_report(_code(cast), state="accepted")

    assert services.reports_close_unrated(today=datetime.date(2026, 11, 17)) == 1

    due.refresh_from_db()
    assert due.state == "closed" and due.satisfaction == "unrated" and due.rated_at is not None
    event = ReportEvent.objects.get(report=due, action="expire_rating")
    assert event.actor is None and event.from_state == "answered" and event.to_state == "closed"
    assert event.data == {"rating_days": 15}
    assert Report.objects.get(pk=last_day.pk).state == "answered"
    assert Report.objects.get(pk=rated.pk).satisfaction == "satisfied"
    assert Report.objects.get(pk=open_report.pk).state == "accepted"
    assert not ReportEvent.objects.filter(action="expire_rating").exclude(report=due).exists()


def test_running_twice_changes_nothing(cast):
    report = _answered_on(cast, "2026-10-01")
    today = datetime.date(2026, 11, 17)
    assert services.reports_close_unrated(today=today) == 1
    before = Report.objects.values().get(pk=report.pk)
    assert services.reports_close_unrated(today=today) == 0
    assert services.reports_close_unrated(today=today + datetime.timedelta(days=30)) == 0
    assert Report.objects.values().get(pk=report.pk) == before
    assert ReportEvent.objects.filter(report=report, action="expire_rating").count() == 1


def test_the_scheduled_task_and_the_command_run_the_same_service(cast):
    first = _answered_on(cast, "2026-10-01")
    assert close_unrated("2026-11-17") == "1"  # a manual run for a date, as the beat task takes it
    assert Report.objects.get(pk=first.pk).satisfaction == "unrated"
    second = _answered_on(cast, "2026-10-02")
    with time_machine.travel("2026-11-17 03:25 +0800"):
        call_command("close_unrated_reports")
    assert Report.objects.get(pk=second.pk).satisfaction == "unrated"


def test_the_beat_entry_is_installed():
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(task="residents.close_unrated")
    assert entry.enabled and entry.crontab.hour == "3" and entry.crontab.minute == "25"


def test_the_status_page_shows_closed_unrated_and_refuses_a_late_rating(client, cast):
    report = _answered_on(cast, "2026-11-01")
    with time_machine.travel("2026-11-16 20:00 +0800"):  # the last day: still offered, with its end
        page = client.get(report.status_url()).content.decode()
        assert 'data-testid="rate-form"' in page and "评价期限至 2026-11-16" in page
    with time_machine.travel("2026-11-17 01:00 +0800"):  # past the window, before the job ran
        page = client.get(report.status_url()).content.decode()
        assert 'data-testid="rate-form"' not in page
        late = _rate(client, report, "satisfied")
        assert late.status_code == 400 and "评价期限已过" in late.content.decode()
        assert Report.objects.get(pk=report.pk).state == "answered"
    services.reports_close_unrated(today=datetime.date(2026, 11, 17))
    page = client.get(report.status_url()).content.decode()
    assert "已办结(未评价)" in page and 'data-testid="status-unrated"' in page
    assert 'data-testid="rate-form"' not in page and 'data-testid="status-rating"' not in page
    again = _rate(client, report, "satisfied")
    assert again.status_code == 400 and "评价期限已过,该来信已办结" in again.content.decode()


def test_the_resident_cannot_choose_unrated(client, cast):
    report = services.report_answer(report=make_report(_code(cast)), actor=cast.deputy, reply="已处理。")
    assert _rate(client, report, "unrated").status_code == 400
    with pytest.raises(services.LoopError):
        services.report_rate(report=report, satisfaction="unrated", ip="10.0.0.9")
    assert Report.objects.get(pk=report.pk).state == "answered"


def test_unrated_is_not_satisfied_in_the_figures(cast, login):
    pleased = _answered_on(cast, "2026-10-01")
    with time_machine.travel("2026-10-02 10:00 +0800"):
        services.report_rate(report=pleased, satisfaction="satisfied", ip="10.0.0.1")
    _answered_on(cast, "2026-10-01")
    services.reports_close_unrated(today=datetime.date(2026, 11, 17))
    total = selectors.figures(Report.objects.figures_for(cast.staff))["total"]
    assert total["closed"] == 2 and total["rated"] == 1 and total["pleased"] == 1 and total["unrated"] == 1
    assert total["satisfaction_rate"] == 100
    page = login(cast.staff).get(reverse("residents:figures")).content.decode()
    assert 'data-testid="total-unrated"' in page and "另有 1 件未评价" in page


# ---------------------------------------------------------------------------------------------
# A converted report whose item was merged into another follows the master


def _converted_and_merged(cast):
    """A report converted into an item (same deputy), then the item merged by staff into a master item
    the deputy wrote earlier; both go through the petitions services only."""
    from petitions.choices import Source

    master = workflow.item_create(actor=cast.deputy, deputy=cast.deputy.deputy, submit=True, data={
        "title": "周庄社区路灯损坏", "content": "周庄社区多处路灯不亮。", "category": "urban",
        "area": cast.deputy.deputy.area, "address": "周庄社区", "source": Source.VISIT})
    report = services.report_convert(report=make_report(_code(cast)), actor=cast.deputy)
    duplicate = workflow.item_start_research(item=report.item, actor=cast.staff)
    workflow.item_merge(item=duplicate, actor=cast.staff, into=master, comment="同一问题")
    return Report.objects.get(pk=report.pk), master


def test_a_merged_report_follows_the_master_to_the_rating(client, login, cast):
    report, master = _converted_and_merged(cast)
    assert report.item.state == "merged" and services.followed_item(report).pk == master.pk
    page = client.get(report.status_url()).content.decode()
    assert 'data-testid="item-merged"' in page and master.number in page
    assert 'data-testid="rate-form"' not in page and "已提交" in page  # the master's state
    early = _rate(client, report, "satisfied")
    assert early.status_code == 400 and "办结后才能评价" in early.content.decode()

    conclude_item(cast, master)  # the master's own loop, through the petitions services

    page = client.get(report.status_url()).content.decode()
    assert 'data-testid="rate-form"' in page
    assert Client().get(report.status_url()).content.decode().count("13912345678") == 0
    staff_page = login(cast.deputy).get(reverse("residents:detail", args=[report.pk])).content.decode()
    assert 'data-testid="report-item-master"' in staff_page
    assert _rate(client, report, "basic").status_code == 302
    report.refresh_from_db()
    assert report.state == "closed" and report.satisfaction == "basic"


def test_a_merged_report_left_unrated_closes_after_the_master_concluded(cast):
    report, master = _converted_and_merged(cast)
    with time_machine.travel("2026-11-01 10:00 +0800"):
        conclude_item(cast, master)
    assert services.reports_close_unrated(today=datetime.date(2026, 11, 16)) == 0
    assert services.reports_close_unrated(today=datetime.date(2026, 11, 17)) == 1
    report.refresh_from_db()
    assert report.state == "closed" and report.satisfaction == "unrated"
    assert ReportEvent.objects.get(report=report, action="expire_rating").from_state == "converted"


def test_an_unconcluded_master_closes_nothing(cast):
    report, _master = _converted_and_merged(cast)
    assert services.reports_close_unrated(today=datetime.date(2030, 1, 1)) == 0
    assert Report.objects.get(pk=report.pk).state == "converted"
