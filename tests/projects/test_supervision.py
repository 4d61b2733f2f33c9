"""The supervision group (监督小组), its inspections (视察记录) and issues to fix (问题清单), and following
(关注) a project: access per view, the issue loop's rules, and who is told."""

import datetime

import pytest
from django.urls import reverse

from notifications.models import Notification
from projects import services
from projects.choices import GroupRole, IssueState
from projects.models import Inspection, Issue, IssueEvent, ProjectFollow, SupervisionMember
from tests.access import ViewAccessCases

from .helpers import project_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)  # the suite's fixed clock


def group(cast):
    """The 东山 project's group: 张伟 leads, 刘芳 is a member (set up by 东山's staff)."""
    p = project_of(cast)
    if not p.supervisors.exists():
        services.supervision_set(project=p, actor=cast.dongshan_staff, leader=cast.group_leader.deputy,
                                 members=[cast.deputy.deputy])
    return p


def an_issue(cast, **over) -> Issue:
    p = group(cast)
    data = {"description": "路面修补不平整", "owner": "区住建局", "due_on": TODAY + datetime.timedelta(days=10), **over}
    return services.issue_raise(project=p, actor=cast.deputy, **data)


def told(kind) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


class TestSetGroup(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        return reverse("projects:project_action", args=[project_of(cast).pk, "set_group"])

    def data(self, cast):
        return {"leader": cast.group_leader.deputy.pk, "members": [cast.deputy.deputy.pk]}

    def test_it_works_in_scope(self, login, cast):
        assert login(cast.dongshan_staff).post(self.url(cast), self.data(cast)).status_code == 302
        rows = dict(SupervisionMember.objects.values_list("deputy__name", "role"))
        assert rows == {"张伟": GroupRole.LEADER, "刘芳": GroupRole.MEMBER}
        assert told("projects.group") == {"deputy", "zuzhang"}
        assert project_of(cast).events.filter(action="set_group").count() == 1

    def test_it_refuses_a_deputy_not_of_the_electorate_and_keeps_the_form(self, login, cast):
        response = login(cast.dongshan_staff).post(self.url(cast), {
            "leader": cast.group_leader.deputy.pk, "members": [cast.deputy.deputy.pk, cast.renwei_deputy.deputy.pk]})
        html = response.content.decode()
        assert response.status_code == 200 and "不是本票决主体的代表" in html
        assert not SupervisionMember.objects.exists()

    def test_the_service_refuses_an_outsider_member_with_a_clear_message(self, cast):
        with pytest.raises(services.LoopError, match="赵强 不是东山街道居民代表会议的代表"):
            services.supervision_set(project=project_of(cast), actor=cast.dongshan_staff,
                                     leader=cast.group_leader.deputy, members=[cast.renwei_deputy.deputy])
        assert not SupervisionMember.objects.exists()

    def test_a_district_deputy_may_lead_from_outside_and_then_sees_the_project(self, login, cast):
        p = project_of(cast)
        url = reverse("projects:project_detail", args=[p.pk])
        assert login(cast.renwei_deputy).get(url).status_code == 404
        services.supervision_set(project=p, actor=cast.dongshan_staff, leader=cast.renwei_deputy.deputy,
                                 members=[cast.deputy.deputy])
        assert login(cast.renwei_deputy).get(url).status_code == 200

    def test_bad_ids_are_a_message_not_a_500(self, login, cast):
        response = login(cast.dongshan_staff).post(self.url(cast), {"leader": "x", "members": ["999999", "y"]})
        assert response.status_code == 200 and not SupervisionMember.objects.exists()


class TestInspect(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy",)
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("projects:project_action", args=[group(cast).pk, "inspect"])

    def data(self, cast):
        return {"inspected_on": "2026-11-20", "place": "周庄社区3号楼", "findings": "雨污管网已铺设,路面待修复。"}

    def test_it_works_in_scope(self, login, cast):
        assert login(cast.deputy).post(self.url(cast), self.data(cast)).status_code == 302
        row = Inspection.objects.get()
        assert (row.place, row.recorded_by) == ("周庄社区3号楼", cast.deputy)
        html = login(cast.zhujian).get(reverse("projects:project_detail", args=[group(cast).pk])).content.decode()
        assert "雨污管网已铺设" in html  # the unit reads the group's inspections

    def test_it_refuses_a_member_of_the_electorate_outside_the_group(self, login, cast):
        p = project_of(cast)
        services.supervision_set(project=p, actor=cast.dongshan_staff, leader=cast.group_leader.deputy)
        response = login(cast.deputy).post(self.url(cast), self.data(cast))
        assert response.status_code == 403 and not Inspection.objects.exists()

    def test_it_refuses_a_future_date_or_too_long_text_and_keeps_what_was_typed(self, login, cast):
        client = login(cast.deputy)
        response = client.post(self.url(cast), {**self.data(cast), "inspected_on": "2026-12-01"})
        assert response.status_code == 200 and "日期不能晚于今天" in response.content.decode()
        assert "周庄社区3号楼" in response.content.decode()
        response = client.post(self.url(cast), {**self.data(cast), "place": "长" * 121})
        assert response.status_code == 200 and "120" in response.content.decode()
        assert not Inspection.objects.exists()


class TestRaiseIssue(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy",)
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("projects:project_action", args=[group(cast).pk, "raise_issue"])

    def data(self, cast):
        return {"description": "3号楼门前路面沉降", "owner": "区住建局", "due_on": "2026-12-10"}

    def test_it_works_in_scope(self, login, cast):
        services.project_follow(project=group(cast), actor=cast.deputy)  # a member who also follows: told once
        assert login(cast.deputy).post(self.url(cast), self.data(cast)).status_code == 302
        issue = Issue.objects.get()
        assert (issue.state, issue.owner, issue.due_on) == (IssueState.OPEN, "区住建局", datetime.date(2026, 12, 10))
        assert list(issue.events.values_list("action", flat=True)) == ["raise"]
        assert told("projects.issue") == {"deputy", "zuzhang", None}  # the group and the unit (addressed to it)
        assert Notification.objects.filter(kind="projects.issue", recipient_unit__name="相山区住房和城乡建设局").exists()
        assert Notification.objects.filter(kind="projects.issue").count() == 3

    def test_it_refuses_a_past_due_date_and_keeps_the_text(self, login, cast):
        response = login(cast.deputy).post(self.url(cast), {**self.data(cast), "due_on": "2026-11-01"})
        html = response.content.decode()
        assert response.status_code == 200 and "整改期限不能早于今天" in html and "3号楼门前路面沉降" in html
        assert not Issue.objects.exists()
        with pytest.raises(services.LoopError, match="整改期限不能早于今天"):
            services.issue_raise(project=group(cast), actor=cast.deputy, description="x", owner="y",
                                 due_on=datetime.date(2026, 1, 1))


class TestIssueFixed(ViewAccessCases):
    method = "post"
    allowed = ("zhujian",)
    out_of_scope = ("huanbao",)
    forbidden = ("leader", "deputy", "dongshan_staff", "renwei_deputy")

    def url(self, cast):
        issue = getattr(cast, "_issue", None) or an_issue(cast)
        cast._issue = issue
        return reverse("projects:issue_action", args=[issue.pk, "report_fixed"])

    def data(self, cast):
        return {"note": "已重新铺设沥青路面。"}

    def test_it_works_in_scope(self, login, cast):
        assert login(cast.zhujian).post(self.url(cast), self.data(cast)).status_code == 302
        cast._issue.refresh_from_db()
        assert (cast._issue.state, cast._issue.fixed_note) == (IssueState.FIXED, "已重新铺设沥青路面。")
        assert told("projects.issue_fixed") == {"deputy", "zuzhang"}

    def test_a_second_report_is_stale_and_changes_nothing(self, login, cast):
        client = login(cast.zhujian)
        client.post(self.url(cast), self.data(cast))
        response = client.post(self.url(cast), {"note": "再报一次"})
        assert response.status_code == 200 and "已整改" in response.content.decode()
        cast._issue.refresh_from_db()
        assert cast._issue.fixed_note == "已重新铺设沥青路面。"
        assert IssueEvent.objects.filter(issue=cast._issue).count() == 2

    def test_a_bad_issue_id_is_a_404(self, login, cast):
        self.url(cast)
        assert login(cast.zhujian).post(reverse("projects:issue_action", args=[999999, "report_fixed"]),
                                        self.data(cast)).status_code == 404
        assert login(cast.zhujian).post(reverse("projects:issue_action", args=[cast._issue.pk, "nonsense"]),
                                        self.data(cast)).status_code == 404


class TestIssueConfirm(ViewAccessCases):
    method = "post"
    allowed = ("group_leader",)
    out_of_scope = ("renwei_deputy",)
    forbidden = ("zhujian", "huanbao", "leader", "dongshan_staff")

    def url(self, cast):
        issue = getattr(cast, "_issue", None)
        if issue is None:
            issue = an_issue(cast)
            services.issue_report_fixed(issue=issue, actor=cast.zhujian, note="已修复")
            cast._issue = issue
        return reverse("projects:issue_action", args=[issue.pk, "confirm"])

    def data(self, cast):
        return {"note": "现场核实,同意销号。"}

    def test_it_works_in_scope(self, login, cast):
        services.project_follow(project=group(cast), actor=cast.deputy)
        assert login(cast.group_leader).post(self.url(cast), self.data(cast)).status_code == 302
        cast._issue.refresh_from_db()
        assert (cast._issue.state, cast._issue.closed_on) == (IssueState.CLOSED, TODAY)
        assert list(cast._issue.events.values_list("action", flat=True)) == ["raise", "report_fixed", "confirm"]
        assert {"deputy", "zuzhang"} <= told("projects.issue_closed")

    def test_it_sends_back_with_a_reason_only(self, login, cast):
        self.url(cast)
        url = reverse("projects:issue_action", args=[cast._issue.pk, "reopen"])
        client = login(cast.group_leader)
        response = client.post(url, {"reason": ""})
        assert response.status_code == 200
        cast._issue.refresh_from_db()
        assert cast._issue.state == IssueState.FIXED
        assert client.post(url, {"reason": "路面仍有积水"}).status_code == 302
        cast._issue.refresh_from_db()
        assert cast._issue.state == IssueState.OPEN
        assert cast._issue.events.last().comment == "路面仍有积水"
        assert Notification.objects.filter(kind="projects.issue_reopened").count() == 1

    def test_an_open_issue_cannot_be_closed_directly(self, cast):
        issue = an_issue(cast, description="另一个问题")
        with pytest.raises(services.StaleState):
            services.issue_confirm(issue=issue, actor=cast.group_leader)
        issue.refresh_from_db()
        assert issue.state == IssueState.OPEN


def test_an_issue_is_overdue_past_due_until_closed(cast, login, time_machine):
    issue = an_issue(cast, due_on=TODAY)
    url = reverse("projects:project_detail", args=[issue.project_id])
    assert 'data-testid="issue-overdue"' not in login(cast.deputy).get(url).content.decode()
    time_machine.move_to(datetime.datetime(2026, 11, 28, 10, 0))
    html = login(cast.deputy).get(url).content.decode()
    assert 'data-testid="issue-overdue"' in html and 'data-testid="fig-overdue-issues">1<' in html
    assert Issue.objects.overdue(datetime.date(2026, 11, 28)).count() == 1
    services.issue_report_fixed(issue=issue, actor=cast.zhujian, note="已修复")
    services.issue_confirm(issue=issue, actor=cast.group_leader)
    assert 'data-testid="issue-overdue"' not in login(cast.deputy).get(url).content.decode()


class TestFollow(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy",)
    forbidden = ("zhujian", "leader", "dongshan_staff")

    def url(self, cast):
        return reverse("projects:project_action", args=[project_of(cast).pk, "follow"])

    def test_it_works_in_scope(self, login, cast):
        client = login(cast.deputy)
        assert client.post(self.url(cast)).status_code == 302
        assert ProjectFollow.objects.filter(deputy=cast.deputy.deputy).count() == 1
        assert 'data-testid="unfollow"' in client.get(project_of(cast).get_absolute_url()).content.decode()
        client.post(reverse("projects:project_action", args=[project_of(cast).pk, "unfollow"]))
        assert not ProjectFollow.objects.exists()

    def test_followers_and_the_group_are_told_of_reports_and_completion_others_not(self, cast):
        p = project_of(cast)
        services.project_follow(project=p, actor=cast.deputy)
        services.project_report(project=p, actor=cast.zhujian, percent=30, text="开工", reported_on=TODAY)
        assert told("projects.report") == {"deputy"}  # 张伟 neither follows nor supervises
        services.supervision_set(project=p, actor=cast.dongshan_staff, leader=cast.group_leader.deputy)
        services.project_complete(project=p, actor=cast.zhujian, completed_on=TODAY)
        services.project_accept(project=p, actor=cast.dongshan_staff, accepted_on=TODAY)
        assert told("projects.complete") == told("projects.accept") == {"deputy", "zuzhang"}
