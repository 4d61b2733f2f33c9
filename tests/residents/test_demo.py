import datetime
import io

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from petitions.models import Item
from residents import demo
from residents.choices import TRANSITIONS, Action, Satisfaction, State
from residents.models import Report, ReportEvent, ResidentCode
from residents.panels import residents_panel
from residents.selectors import new_query

pytestmark = pytest.mark.django_db

# Mid-year, so every demo report (two months back at most) falls in the panel's year.
NOW = "2026-06-15 10:00 +0800"


def _seed_base():
    """The seed_demo steps the residents' demo depends on (as tests/liaison/test_demo.py seeds them)."""
    from accounts import demo as accounts_demo
    from areas import demo as areas_demo
    from deputies import demo as deputies_demo
    from groups import demo as groups_demo
    from units import demo as units_demo

    for module in (areas_demo, units_demo, deputies_demo, groups_demo, accounts_demo):
        module.seed(io.StringIO())


def _counts():
    return (Report.objects.count(), ReportEvent.objects.count(), ResidentCode.objects.count(), Item.objects.count(),
            Notification.objects.count())


@pytest.fixture
def seeded(sms):
    with time_machine.travel(NOW, tick=False):
        _seed_base()
        out = io.StringIO()
        demo.seed(out)
        yield out.getvalue()


def test_it_seeds_every_state_once_and_sends_no_sms(seeded, sms):
    assert seeded.startswith(f"群众来信: {len(demo.REPORTS)} 件(代表码 2 个、联络站码 1 个)")
    counts = _counts()
    out = io.StringIO()
    demo.seed(out)
    assert _counts() == counts
    assert "已有演示数据" in out.getvalue()
    assert sms.messages == []  # the fake gateway is configured: nothing reached it

    reports = list(Report.objects.all())
    assert len(reports) == len(demo.REPORTS) == 13
    states = {r.state for r in reports}
    assert states == {State.SUBMITTED, State.ACCEPTED, State.ANSWERED, State.CONVERTED, State.TRANSFERRED,
                      State.REJECTED, State.CLOSED}
    assert sorted(r.satisfaction for r in reports if r.state == State.CLOSED) == sorted(
        [Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNRATED])
    reopened = [r for r in reports if r.satisfaction == Satisfaction.DISSATISFIED]
    assert len(reopened) == 1 and reopened[0].state == State.ACCEPTED and reopened[0].dissatisfied_count == 1
    assert reopened[0].events.filter(action=Action.RATE).get().comment
    converted = Report.objects.get(state=State.CONVERTED)
    item = Item.objects.get()  # made through the petitions door, linked both ways
    assert converted.item == item and item.resident_report == converted
    assert item.deputy.user.username == "deputy" and item.submitted_at is not None
    rejected = Report.objects.get(state=State.REJECTED)
    assert "民事纠纷" in rejected.public_reply
    transferred = Report.objects.get(state=State.TRANSFERRED)
    assert transferred.transferred_at is not None
    unrated = Report.objects.get(satisfaction=Satisfaction.UNRATED)
    assert unrated.events.filter(action=Action.EXPIRE_RATING).exists()
    assert all(r.phone.startswith("1390000") and len(r.phone) == 11 for r in reports)
    assert not ReportEvent.objects.filter(action=Action.VERIFY).exclude(data__sms=False).exists()


def test_every_timeline_chains_through_the_transition_table_over_two_months(seeded):
    now = timezone.now()  # still NOW: the fixture's clock
    submitted = []
    for report in Report.objects.all():
        events = list(report.events.order_by("created_at", "id"))
        assert events == list(report.events.order_by("id")), report.text  # redated in their own order
        assert events[0].action == Action.CREATE and events[0].from_state == ""
        for before, event in zip(events, events[1:], strict=False):
            assert event.from_state == before.to_state, (report.text, event.action)
            rule = TRANSITIONS[event.action]
            assert event.from_state in rule.sources, (report.text, event.action)
            assert rule.target is None or event.to_state == rule.target
        assert events[-1].to_state == report.state
        assert report.submitted_at == events[1].created_at and report.created_at == events[0].created_at
        assert report.accept_due is not None and report.accept_due >= timezone.localdate(report.submitted_at)
        if report.accepted_at:
            assert report.submitted_at < report.accepted_at <= now
        if report.closed_at:
            assert report.accepted_at <= report.closed_at <= now
        submitted.append(report.submitted_at)
    assert now - min(submitted) < datetime.timedelta(days=62)
    assert now - min(submitted) > datetime.timedelta(days=40) and now - max(submitted) < datetime.timedelta(days=3)


def test_the_deputy_sees_them_in_the_badge_list_and_home_panel(seeded, login):
    deputy = User.objects.get(username="deputy")
    with time_machine.travel(NOW, tick=False):
        assert new_query(deputy).count() == 2
        assert new_query(User.objects.get(username="zuzhang")).count() == 1
        # The transferred one waits for the area staff of 东山街道.
        assert new_query(User.objects.get(username="dongshan")).filter(state=State.TRANSFERRED).count() == 1
        station = ResidentCode.objects.get(kind="station")
        assert list(station.on_duty.all()) == [deputy.deputy]

        request = RequestFactory().get("/")
        request.user = deputy
        figures = residents_panel(request)["figures"]
        own = Report.objects.filter(code__deputy=deputy.deputy).count()
        assert figures["received"] == own == 10
        assert figures["pleased"] == 2 and figures["unrated"] == 0 and figures["closed"] == 3

        client = login(deputy)
        assert 'data-testid="residents-panel"' in client.get(reverse("home")).content.decode()
        page = client.get(reverse("residents:list")).content.decode()
        assert page.count('data-testid="report-row"') == Report.objects.visible_to(deputy).count() == 12

        staff = login(User.objects.get(username="staff"))
        figures_page = staff.get(reverse("residents:figures")).content.decode()
        assert deputy.deputy.name in figures_page and station.home.name in figures_page
