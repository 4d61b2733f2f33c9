"""The scheduled jobs: who gets what, on which day, once."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import NoReverseMatch, resolve

from deputies.choices import MandateStatus
from notifications.choices import Channel, Kind
from notifications.models import Delivery, Notification
from notifications.services import (
    close_unevaluated,
    deliver_pending,
    send_monthly_reminders,
    send_overdue_alerts,
    send_weekly_digest,
)
from tests import factories

from .conftest import assign, make_item

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")
NOV = dt.date(2026, 11, 1)


def kinds(kind):
    return Notification.objects.filter(kind=kind)


def page_of(notification):
    """(URL name, arguments, query string) of a notification's link; resolving fails for a broken one."""
    path, _sep, query = notification.url.partition("?")
    match = resolve(path)
    return match.view_name, tuple(match.args) + tuple(match.captured_kwargs.values()), query


def opens(login, user, notification) -> bool:
    """The recipient can open the page the link points at."""
    return login(user).get(notification.url).status_code == 200


@pytest.fixture
def no_login(cast):
    person = factories.DeputyFactory(name="钱进", mobile="13811112222")
    factories.MandateFactory(deputy=person)
    return person


# ------------------------------------------------------------------ monthly reminders


def test_it_reminds_deputies_without_an_item_for_the_month(cast, no_login, outbox):
    make_item(cast.deputy.deputy, period=NOV)  # 刘芳 has reported
    make_item(cast.renwei_deputy.deputy, period=NOV, state="draft", submitted=False)  # a draft does not count
    resigned = factories.DeputyFactory(name="辞职者", mobile="13800000009")
    factories.MandateFactory(deputy=resigned, status=MandateStatus.RESIGNED)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=CST), tick=False):
        result = send_monthly_reminders(month=NOV)
    reminded = kinds(Kind.MONTHLY_REMINDER)
    assert {n.recipient_id for n in reminded if n.recipient_id} == {cast.group_leader.pk, cast.renwei_deputy.pk}
    assert {n.recipient_deputy_id for n in reminded if n.recipient_deputy_id} == {no_login.pk}
    assert "2026年11月" in reminded.first().title
    # The deputy without a login gets an SMS at the number on file.
    sms = Delivery.objects.get(notification__recipient_deputy=no_login)
    assert (sms.channel, sms.address) == (Channel.SMS, "13811112222")
    assert "未报送的在任代表 3 人" in str(result)


def test_it_sends_group_leaders_the_list_of_who_has_not_submitted(cast):
    make_item(cast.deputy.deputy, period=NOV)
    send_monthly_reminders(month=NOV)
    group_list = kinds(Kind.GROUP_MISSING).get()
    assert group_list.recipient == cast.group_leader
    assert "张伟" in group_list.body and "刘芳" not in group_list.body


def test_it_sends_the_monthly_reminder_once_however_often_it_runs(cast, no_login, outbox, settings):
    settings.NOTIFY_DEFAULT_CHANNELS = ["sms"]
    first = send_monthly_reminders(month=NOV)
    deliver_pending()
    rows, sent = Notification.objects.count(), len(outbox)
    second = send_monthly_reminders(month=NOV)
    deliver_pending()
    assert first.created == rows > 0 and second.created == 0
    assert (Notification.objects.count(), len(outbox)) == (rows, sent)
    assert sent == 5  # 刘芳, 张伟, 赵强 and 钱进 by SMS, plus the group list to 张伟


def test_it_installs_the_default_schedules_once(db):
    from django_celery_beat.models import PeriodicTask

    from notifications.schedules import DEFAULT_SCHEDULES, install
    from xiangshan.celery import app

    install()  # the migration did it already, unless a transactional test flushed the tables
    assert install() == []
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {task for _n, task, _w, _d in DEFAULT_SCHEDULES} <= tasks
    app.loader.import_default_modules()
    assert all(task in app.tasks for task in tasks if task.startswith("notifications."))


def test_it_fires_the_monthly_schedule_on_the_20th_at_nine_shanghai_time(cast):
    from django_celery_beat.models import PeriodicTask

    from notifications.schedules import install

    install()
    task = PeriodicTask.objects.get(task="notifications.send_monthly_reminders")
    schedule = task.crontab.schedule
    last = dt.datetime(2026, 10, 20, 9, 0, tzinfo=CST)
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, 59, tzinfo=CST), tick=False):
        assert not schedule.is_due(last).is_due
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, 5, tzinfo=CST), tick=False):
        assert schedule.is_due(last).is_due


# ------------------------------------------------------------------ overdue alerts


@pytest.fixture
def handling(cast):
    """Items in 办理 for two units around the 2025 National Day holiday (1–8 October off)."""
    zj, hb = cast.zhujian.unit, cast.huanbao.unit
    d = cast.deputy.deputy
    rows = {
        "zj_overdue_long": assign(make_item(d, title="住建逾期很久"), zj, dt.date(2025, 9, 22)),
        "zj_overdue": assign(make_item(d, title="住建刚逾期"), zj, dt.date(2025, 9, 29)),
        "zj_soon": assign(make_item(d, title="住建节后到期"), zj, dt.date(2025, 10, 10)),
        "zj_later": assign(make_item(d, title="住建调休周六到期"), zj, dt.date(2025, 10, 11)),
        "hb_soon": assign(make_item(d, title="环保节后首日到期"), hb, dt.date(2025, 10, 9)),
        "hb_done": assign(make_item(d, title="环保已办结"), hb, dt.date(2025, 9, 1),
                          handled_at=dt.datetime(2025, 8, 30, tzinfo=CST)),
    }
    return rows


def test_it_sends_each_unit_only_its_own_due_soon_and_overdue_items(cast, handling):
    with time_machine.travel(dt.datetime(2025, 9, 30, 8, 30, tzinfo=CST), tick=False):
        send_overdue_alerts(today=dt.date(2025, 9, 30))
    zj = kinds(Kind.UNIT_ALERT).get(recipient_unit=cast.zhujian.unit)
    hb = kinds(Kind.UNIT_ALERT).get(recipient_unit=cast.huanbao.unit)
    # Two working days after 30 September are 9 and 10 October (the holiday is skipped).
    assert "住建逾期很久" in zj.body and "住建刚逾期" in zj.body and "住建节后到期" in zj.body
    assert "住建调休周六到期" not in zj.body
    assert "环保" not in zj.body
    assert "环保节后首日到期" in hb.body and "住建" not in hb.body and "环保已办结" not in hb.body
    assert "逾期 2 条,即将逾期 1 条" in zj.title
    assert list(Notification.objects.for_user(cast.zhujian)) == [zj]


def test_it_sends_nothing_on_a_holiday(cast, handling):
    result = send_overdue_alerts(today=dt.date(2025, 10, 1))
    assert Notification.objects.count() == 0
    assert "不是工作日" in str(result)


def test_it_runs_on_an_adjusted_working_saturday(cast, handling):
    send_overdue_alerts(today=dt.date(2025, 10, 11))  # Saturday, worked (调休)
    assert kinds(Kind.UNIT_ALERT).count() == 2


def test_it_sends_staff_the_overdue_list_by_unit(cast, handling):
    send_overdue_alerts(today=dt.date(2025, 9, 30))
    staff_list = kinds(Kind.STAFF_OVERDUE).get()
    assert staff_list.recipient == cast.staff
    assert "相山区住房和城乡建设局:2 条" in staff_list.body


def test_it_escalates_long_overdue_items_to_the_leaders_once(cast, handling, settings):
    settings.NOTIFY_ESCALATE_AFTER_WORKDAYS = 5
    send_overdue_alerts(today=dt.date(2025, 9, 30))
    escalation = kinds(Kind.ESCALATION).get()
    assert escalation.recipient == cast.leader
    # Due 22 September: 7 working days late (Sunday 28 September was worked). Due 29th: 1 day, not yet.
    assert "住建逾期很久" in escalation.body and "住建刚逾期" not in escalation.body
    send_overdue_alerts(today=dt.date(2025, 9, 30))
    send_overdue_alerts(today=dt.date(2025, 10, 9))
    assert kinds(Kind.ESCALATION).count() == 1


def test_it_sends_the_overdue_alerts_once_however_often_it_runs(cast, handling, outbox):
    cast.zhujian.unit.contact_phone = "05613000000"
    cast.zhujian.unit.save()
    send_overdue_alerts(today=dt.date(2025, 9, 30))
    deliver_pending()
    rows, sent = Notification.objects.count(), len(outbox)
    result = send_overdue_alerts(today=dt.date(2025, 9, 30))
    deliver_pending()
    assert result.created == 0
    assert (Notification.objects.count(), len(outbox)) == (rows, sent)
    assert "05613000000" in [m.address for m in outbox]
    # The next working day is a new day: new alerts.
    send_overdue_alerts(today=dt.date(2025, 10, 9))
    assert kinds(Kind.UNIT_ALERT).count() == 4


# ------------------------------------------------------------------ auto-close


def test_it_closes_unevaluated_replies_as_deemed_satisfied_through_the_workflow(cast):
    from petitions.models import ItemEvent

    item = make_item(cast.deputy.deputy, state="evaluation", evaluation_due=dt.date(2026, 11, 20))
    waiting = make_item(cast.deputy.deputy, state="evaluation", evaluation_due=dt.date(2026, 11, 21))
    result = close_unevaluated(today=dt.date(2026, 11, 21))
    item.refresh_from_db()
    waiting.refresh_from_db()
    assert item.state == "closed" and item.satisfaction == "satisfied" and item.satisfaction_deemed
    assert waiting.state == "evaluation"
    event = ItemEvent.objects.get(item=item, action="deem_satisfied")
    assert event.actor is None and "视为满意" in event.comment
    assert "视为满意办结 1 条" in str(result)
    close_unevaluated(today=dt.date(2026, 11, 21))
    assert ItemEvent.objects.filter(item=item, action="deem_satisfied").count() == 1


# ------------------------------------------------------------------ weekly digest


def test_it_sends_leaders_the_weeks_figures_and_the_lowest_units(cast):
    d = cast.deputy.deputy
    units = [factories.HandlingUnitFactory(name=f"单位{i}") for i in range(6)]
    for i, unit in enumerate(units):
        for j in range(4):
            item = make_item(d, state="closed" if j < i else "handling")
            assign(item, unit, dt.date(2026, 12, 31))
    send_weekly_digest(today=dt.date(2026, 11, 30))
    digest = kinds(Kind.WEEKLY_DIGEST).get()
    assert digest.recipient == cast.leader
    lowest = digest.body.split("办结率最低的五个单位:")[1]
    assert "1. 单位0" in lowest and "单位4" in lowest and "单位5" not in lowest
    assert "11月23日" in digest.title


def test_it_gives_each_unit_a_digest_of_only_its_items(cast):
    d = cast.deputy.deputy
    assign(make_item(d, state="closed"), cast.zhujian.unit, dt.date(2026, 12, 31))
    for _ in range(3):
        assign(make_item(d), cast.huanbao.unit, dt.date(2026, 11, 2))
    send_weekly_digest(today=dt.date(2026, 11, 30))
    send_weekly_digest(today=dt.date(2026, 11, 30))
    zj = kinds(Kind.UNIT_WEEKLY_DIGEST).get(recipient_unit=cast.zhujian.unit)
    hb = kinds(Kind.UNIT_WEEKLY_DIGEST).get(recipient_unit=cast.huanbao.unit)
    assert "交办 1 条,办结 1 条" in zj.body and "逾期 0 条" in zj.body and "生态环境" not in zj.body
    assert "交办 3 条,办结 0 条" in hb.body and "逾期 3 条" in hb.body
    assert list(Notification.objects.for_user(cast.huanbao)) == [hb]


# ------------------------------------------------------------------ commands


def test_each_job_has_a_command_that_says_what_it_did(cast, no_login, capsys):
    call_command("send_monthly_reminders", "--month", "2026-11")
    call_command("send_overdue_alerts", "--date", "2025-10-01")
    call_command("close_unevaluated", "--date", "2026-11-21")
    call_command("send_weekly_digest", "--date", "2026-11-30", "--deliver")
    out = capsys.readouterr().out
    assert "2026年11月:未报送的在任代表 4 人" in out
    assert "2025-10-01 不是工作日" in out
    assert "评价期已过的事项 0 条" in out
    assert "2026-11-23 至 2026-11-29" in out and "投递:" in out


# ------------------------------------------------------------------ links (issue 10 §5)


def test_it_fails_loudly_on_a_link_to_a_page_that_does_not_exist():
    from notifications.services.jobs import _url

    with pytest.raises(NoReverseMatch):
        _url("deputy_groups:detail", 1)


def test_it_links_the_monthly_reminders_to_the_new_item_form_and_the_group_page(cast, no_login, login):
    from groups.models import DeputyGroup

    send_monthly_reminders(month=NOV)
    reminders = list(kinds(Kind.MONTHLY_REMINDER))
    assert reminders and {page_of(n) for n in reminders} == {("petitions:create", (), "")}
    group = DeputyGroup.objects.get(name="东山街道区人大代表小组")
    group_list = kinds(Kind.GROUP_MISSING).get()
    assert page_of(group_list) == ("groups:detail", (group.pk,), "")
    assert opens(login, cast.group_leader, group_list)
    assert opens(login, cast.deputy, kinds(Kind.MONTHLY_REMINDER).get(recipient=cast.deputy))


def test_it_links_the_overdue_alerts_to_the_overdue_and_due_soon_lists(cast, handling, settings, login):
    settings.NOTIFY_ESCALATE_AFTER_WORKDAYS = 5
    send_overdue_alerts(today=dt.date(2025, 9, 30))
    zj = kinds(Kind.UNIT_ALERT).get(recipient_unit=cast.zhujian.unit)  # overdue and due soon
    hb = kinds(Kind.UNIT_ALERT).get(recipient_unit=cast.huanbao.unit)  # due soon only
    assert page_of(zj) == ("petitions:overdue", (), "")
    assert page_of(hb) == ("petitions:due_soon", (), "")
    staff_list = kinds(Kind.STAFF_OVERDUE).get()
    assert page_of(staff_list) == ("petitions:overdue", (), "")
    escalation = kinds(Kind.ESCALATION).get()
    assert page_of(escalation) == ("petitions:list", (), "")
    assert opens(login, cast.zhujian, zj) and opens(login, cast.huanbao, hb)
    assert opens(login, cast.staff, staff_list) and opens(login, cast.leader, escalation)


def test_it_links_the_auto_close_notice_to_the_item(cast, login):
    item = make_item(cast.deputy.deputy, state="evaluation", evaluation_due=dt.date(2026, 11, 20))
    close_unevaluated(today=dt.date(2026, 11, 21))
    notice = Notification.objects.get(kind="item.deem_satisfied")
    assert page_of(notice) == ("petitions:detail", (item.pk,), "")
    assert opens(login, cast.deputy, notice)


def test_it_links_the_weekly_digests_to_the_dashboard_of_the_stated_period(cast, login):
    assign(make_item(cast.deputy.deputy, state="closed"), cast.zhujian.unit, dt.date(2026, 12, 31))
    send_weekly_digest(today=dt.date(2026, 11, 30))
    digest = kinds(Kind.WEEKLY_DIGEST).get()
    unit_digest = kinds(Kind.UNIT_WEEKLY_DIGEST).get()
    assert page_of(digest) == page_of(unit_digest) == ("dashboards:overview", (), "period=year&year=2026")
    assert opens(login, cast.leader, digest) and opens(login, cast.zhujian, unit_digest)


# ------------------------------------------------------------------ digest figures = dashboard figures


def test_it_gives_the_digest_the_dashboards_figures_for_this_year(cast):
    from dashboards.periods import Period, Scope
    from dashboards.selectors import headline, unit_overview, unit_rows

    d, zj = cast.deputy.deputy, cast.zhujian.unit
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=CST), tick=False):
        for _ in range(3):  # last year's items, all concluded: not in this year's figures
            assign(make_item(d, state="closed"), zj, dt.date(2025, 6, 20))
    assign(make_item(d, state="closed"), zj, dt.date(2026, 12, 31))
    for _ in range(2):
        assign(make_item(d), zj, dt.date(2026, 11, 2))
    today = dt.date(2026, 11, 30)
    send_weekly_digest(today=today)
    period = Period.year(2026)
    row = unit_rows(period, Scope(), day=today)[0]
    own = unit_overview(period, Scope(unit=zj), day=today)["units"][0]  # the unit's own dashboard
    assert row["completion_rate"] == own["completion_rate"] == Decimal("33.3")
    unit_body = kinds(Kind.UNIT_WEEKLY_DIGEST).get(recipient_unit=zj).body
    assert "本年度(2026年)" in unit_body
    assert (f"交办 {own['assigned']} 条,办结 {own['concluded']} 条,办结率 {own['completion_rate']}%,"
            f"当前逾期 {own['overdue']} 条") in unit_body
    assert "交办 3 条,办结 1 条,办结率 33.3%,当前逾期 2 条" in unit_body
    district, _prev = headline(period, Scope(), day=today)
    body = kinds(Kind.WEEKLY_DIGEST).get().body
    assert (f"本年度(2026年)收集 {district.collected} 条,办结 {district.concluded} 条,"
            f"办结率 {district.completion_rate}%,逾期 {district.overdue} 条") in body
    assert "1. 相山区住房和城乡建设局:交办 3 条,办结 1 条,办结率 33.3%,逾期 2 条" in body
