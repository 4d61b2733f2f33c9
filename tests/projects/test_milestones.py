"""The plan of a project (节点计划, issue 12 "milestones and a plan per project"): who sets it and marks a
milestone done (the responsible unit or staff, as for progress reports), the bad dates refused, overdue
milestones on the page, in the figures, the list and the panel, the public page, and the morning alerts
to the units (idempotent)."""

import datetime

import pytest
from django.urls import reverse

from notifications.models import Notification
from projects import services
from projects.models import Milestone, ProjectEvent
from projects.selectors import year_figures
from tests.access import ViewAccessCases

from .helpers import project_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)  # the suite's fixed clock (a Thursday); the project starts 2026-03-01


def a_milestone(cast, name="完成招标", planned_on=datetime.date(2026, 12, 15), **over) -> Milestone:
    return services.milestone_add(project=project_of(cast), actor=cast.zhujian, name=name, planned_on=planned_on,
                                  **over)


def detail(login, user, cast) -> str:
    return login(user).get(reverse("projects:project_detail", args=[project_of(cast).pk])).content.decode()


class TestPlanMilestone(ViewAccessCases):
    method = "post"
    allowed = ("zhujian", "dongshan_staff", "staff")
    out_of_scope = ("huanbao", "renwei_staff")
    forbidden = ("deputy", "group_leader", "leader")

    def url(self, cast):
        return reverse("projects:project_action", args=[project_of(cast).pk, "plan_milestone"])

    def data(self, cast):
        return {"name": "主体完工", "planned_on": "2026-12-20", "note": "含管网"}

    def test_it_works_in_scope(self, login, cast):
        client = login(cast.zhujian)
        assert client.post(self.url(cast), self.data(cast)).status_code == 302
        assert client.post(self.url(cast), {**self.data(cast), "name": "竣工验收"}).status_code == 302
        rows = list(Milestone.objects.values_list("name", "sort", "planned_on", "done_on"))
        assert rows == [("主体完工", 1, datetime.date(2026, 12, 20), None), ("竣工验收", 2, datetime.date(2026, 12, 20), None)]
        assert ProjectEvent.objects.filter(action="plan_milestone").count() == 2
        html = detail(login, cast.deputy, cast)  # deputies of the electorate read the plan
        assert html.count('data-testid="milestone-row"') == 2 and "竣工验收" in html
        assert 'data-testid="form-plan_milestone"' not in html

    def test_it_refuses_a_date_before_the_start_and_keeps_what_was_typed(self, login, cast):
        response = login(cast.zhujian).post(self.url(cast), {**self.data(cast), "planned_on": "2026-02-01"})
        html = response.content.decode()
        assert response.status_code == 200 and "不能早于项目计划开工日期" in html and "含管网" in html
        response = login(cast.zhujian).post(self.url(cast), {**self.data(cast), "planned_on": "明天"})
        assert response.status_code == 200 and not Milestone.objects.exists()

    def test_it_refuses_a_plan_once_the_project_is_completed(self, login, cast):
        services.project_complete(project=project_of(cast), actor=cast.zhujian, completed_on=TODAY)
        response = login(cast.zhujian).post(self.url(cast), self.data(cast))
        assert response.status_code == 200 and "已完工" in response.content.decode()
        assert not Milestone.objects.exists()


class TestMilestoneDone(ViewAccessCases):
    method = "post"
    allowed = ("zhujian",)
    out_of_scope = ("huanbao", "renwei_staff")
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return reverse("projects:project_action", args=[project_of(cast).pk, "milestone_done"])

    def data(self, cast):
        m = getattr(cast, "_m", None) or a_milestone(cast)
        cast._m = m
        return {"milestone": m.pk, "done_on": "2026-11-20", "note": "已完成招标"}

    def test_it_works_in_scope(self, login, cast):
        services.project_follow(project=project_of(cast), actor=cast.deputy)
        assert login(cast.zhujian).post(self.url(cast), self.data(cast)).status_code == 302
        cast._m.refresh_from_db()
        assert (cast._m.done_on, cast._m.done_by, cast._m.done_note) == (datetime.date(2026, 11, 20), cast.zhujian,
                                                                         "已完成招标")
        event = ProjectEvent.objects.get(action="milestone_done")
        assert event.data["milestone"] == cast._m.pk and event.actor == cast.zhujian
        assert set(Notification.objects.filter(kind="projects.milestone_done")
                   .values_list("recipient__username", flat=True)) == {"deputy"}
        assert 'data-testid="milestone-done"' in detail(login, cast.deputy, cast)

    def test_staff_may_mark_it_too_as_for_progress_reports(self, login, cast):
        assert login(cast.dongshan_staff).post(self.url(cast), self.data(cast)).status_code == 302
        cast._m.refresh_from_db()
        assert cast._m.done_by == cast.dongshan_staff

    def test_it_refuses_a_date_in_the_future_or_before_the_start(self, login, cast):
        client = login(cast.zhujian)
        response = client.post(self.url(cast), {**self.data(cast), "done_on": "2026-11-27"})
        html = response.content.decode()
        assert response.status_code == 200 and "日期不能晚于今天" in html and "已完成招标" in html
        response = client.post(self.url(cast), {**self.data(cast), "done_on": "2026-02-28"})
        assert response.status_code == 200 and "完成日期不能早于项目计划开工日期(2026-03-01)" in response.content.decode()
        with pytest.raises(services.LoopError, match="完成日期不能晚于今天"):
            services.milestone_done(milestone=cast._m, actor=cast.zhujian, done_on=TODAY + datetime.timedelta(days=1))
        cast._m.refresh_from_db()
        assert cast._m.done_on is None and not ProjectEvent.objects.filter(action="milestone_done").exists()

    def test_a_second_mark_is_stale_and_changes_nothing(self, login, cast):
        client = login(cast.zhujian)
        client.post(self.url(cast), self.data(cast))
        response = client.post(self.url(cast), {**self.data(cast), "done_on": "2026-11-25"})
        assert response.status_code == 200 and "已于 2026-11-20 完成" in response.content.decode()
        cast._m.refresh_from_db()
        assert cast._m.done_on == datetime.date(2026, 11, 20)
        assert ProjectEvent.objects.filter(action="milestone_done").count() == 1

    def test_a_milestone_of_another_project_or_a_bad_id_is_refused(self, login, cast):
        self.data(cast)
        client = login(cast.zhujian)
        for bad in ("999999", "x", ""):
            response = client.post(self.url(cast), {**self.data(cast), "milestone": bad})
            assert response.status_code == 200
        cast._m.refresh_from_db()
        assert cast._m.done_on is None

    def test_a_supervisor_who_is_not_the_unit_may_not_mark_it(self, login, cast):
        services.supervision_set(project=project_of(cast), actor=cast.dongshan_staff, leader=cast.group_leader.deputy)
        assert login(cast.group_leader).post(self.url(cast), self.data(cast)).status_code == 403
        cast._m.refresh_from_db()
        assert cast._m.done_on is None


class TestChangeMilestone(ViewAccessCases):
    method = "post"
    allowed = ("zhujian",)
    out_of_scope = ("huanbao",)
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return reverse("projects:project_action", args=[project_of(cast).pk, "change_milestone"])

    def data(self, cast):
        m = getattr(cast, "_m", None) or a_milestone(cast)
        cast._m = m
        return {"milestone": m.pk, "name": "完成招标", "planned_on": "2027-01-10", "sort": 3, "note": "招标延期"}

    def test_it_works_in_scope(self, login, cast):
        assert login(cast.zhujian).post(self.url(cast), self.data(cast)).status_code == 302
        cast._m.refresh_from_db()
        assert (cast._m.planned_on, cast._m.sort, cast._m.note) == (datetime.date(2027, 1, 10), 3, "招标延期")
        event = ProjectEvent.objects.get(action="change_milestone")
        assert event.data["old"]["planned_on"] == "2026-12-15" and event.data["new"]["planned_on"] == "2027-01-10"

    def test_a_done_milestone_cannot_be_changed(self, login, cast):
        self.data(cast)
        services.milestone_done(milestone=cast._m, actor=cast.zhujian, done_on=TODAY)
        response = login(cast.zhujian).post(self.url(cast), self.data(cast))
        assert response.status_code == 200 and "已于" in response.content.decode()
        cast._m.refresh_from_db()
        assert cast._m.planned_on == datetime.date(2026, 12, 15)


def test_an_overdue_milestone_shows_on_the_page_the_figures_the_list_and_the_panel(cast, login):
    late = a_milestone(cast, "完成管网铺设", datetime.date(2026, 11, 20))
    a_milestone(cast, "主体完工", TODAY)  # due today: still on time
    html = detail(login, cast.zhujian, cast)
    assert html.count('data-testid="milestone-overdue"') == 1 and 'data-testid="fig-overdue-milestones">1<' in html
    html = login(cast.zhujian).get(reverse("projects:project_list")).content.decode()
    assert 'data-testid="row-overdue-milestones"' in html
    assert login(cast.zhujian).get(reverse("projects:project_list") + "?milestones=overdue").content.decode().count(
        'data-testid="project-row"') == 1
    assert year_figures(cast.staff, 2026, TODAY)["overdue_milestones"] == 1
    assert 'data-testid="panel-overdue-milestones">1<' in login(cast.leader).get(reverse("home")).content.decode()
    services.milestone_done(milestone=late, actor=cast.zhujian, done_on=TODAY)
    assert 'data-testid="milestone-overdue"' not in detail(login, cast.zhujian, cast)
    assert year_figures(cast.staff, 2026, TODAY)["overdue_milestones"] == 0
    assert login(cast.zhujian).get(reverse("projects:project_list") + "?milestones=overdue").content.decode().count(
        'data-testid="project-row"') == 0


def test_the_public_page_shows_the_plan_without_a_name(cast, client, settings):
    settings.PUBLIC_RATE_LIMIT = 1000
    m = a_milestone(cast, "完成管网铺设", datetime.date(2026, 11, 20))
    services.milestone_done(milestone=m, actor=cast.zhujian, done_on=datetime.date(2026, 11, 19), note="孙磊确认")
    a_milestone(cast, "主体完工", datetime.date(2026, 11, 25))
    rnd = project_of(cast).candidate.round
    html = client.get(reverse("projects:public", args=[rnd.public_token])).content.decode()
    assert 'data-testid="public-milestones"' in html and "完成管网铺设" in html and "已完成 2026-11-19" in html
    assert "逾期未完成" in html
    assert "孙磊" not in html


# ---------------------------------------------------------------------------------------------
# The morning alerts


def _alerts():
    return Notification.objects.filter(kind="projects.milestone_alert")


def test_the_unit_is_told_of_overdue_and_due_soon_milestones_once_a_day(cast):
    a_milestone(cast, "完成管网铺设", datetime.date(2026, 11, 20))  # overdue
    a_milestone(cast, "主体完工", datetime.date(2026, 11, 30))  # within 3 working days (Fri, Mon)
    a_milestone(cast, "竣工验收", datetime.date(2026, 12, 31))  # not yet
    done = a_milestone(cast, "完成招标", datetime.date(2026, 11, 10))
    services.milestone_done(milestone=done, actor=cast.zhujian, done_on=datetime.date(2026, 11, 9))
    assert services.send_milestone_alerts(today=TODAY) == 1
    n = _alerts().get()
    assert n.recipient_unit.name == "相山区住房和城乡建设局"
    assert "逾期 1 个,即将到期 1 个" in n.title and "完成管网铺设" in n.body and "主体完工" in n.body
    assert "竣工验收" not in n.body and "完成招标" not in n.body
    assert services.send_milestone_alerts(today=TODAY) == 0  # a second run the same day sends nothing
    assert services.send_milestone_alerts(today=datetime.date(2026, 11, 28)) == 0  # Saturday: no alerts
    assert _alerts().count() == 1
    assert services.send_milestone_alerts(today=datetime.date(2026, 11, 27)) == 1  # the next working day


def test_the_job_is_scheduled_runs_once_per_period_and_has_a_command(cast, capsys):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    from notifications.schedules import install
    from projects.tasks import milestone_alerts

    install()
    assert PeriodicTask.objects.get(task="projects.send_milestone_alerts").enabled
    a_milestone(cast, "完成管网铺设", datetime.date(2026, 11, 20))
    milestone_alerts()
    assert "already run" in milestone_alerts()
    assert _alerts().count() == 1
    call_command("send_milestone_alerts", "--date", "2026-11-26")
    assert "新建通知 0 条" in capsys.readouterr().out
