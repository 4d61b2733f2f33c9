"""The unit's list of issues to fix (问题清单) across all its projects: scope, order (open first), due date
and overdue flag, the state filter, paging, and a query count that stays constant as rows grow."""

import datetime

import pytest
from django.urls import reverse

from projects import services
from projects.choices import RoundState
from tests.access import ViewAccessCases

from .helpers import make_round
from .test_supervision import TODAY, an_issue, group

pytestmark = pytest.mark.django_db

URL = reverse("projects:issue_list")


class TestIssueList(ViewAccessCases):
    allowed = ("zhujian", "staff", "dongshan_staff", "leader", "huanbao", "renwei_staff")
    forbidden = ("deputy", "group_leader")

    def url(self, cast):
        if getattr(cast, "_i", None) is None:
            cast._i = an_issue(cast)
        return URL

    def test_it_lists_only_the_issues_of_projects_in_scope(self, login, cast):
        self.url(cast)
        for name, seen in (("zhujian", 1), ("staff", 1), ("dongshan_staff", 1), ("huanbao", 0), ("renwei_staff", 0)):
            html = login(getattr(cast, name)).get(URL).content.decode()
            assert html.count('data-testid="issue-list-row"') == seen, name
        html = login(cast.zhujian).get(URL).content.decode()
        assert "路面修补不平整" in html and f"#issue-{cast._i.pk}" in html and "2026-12-06" in html


def _walk(cast):
    """Three issues of the 东山 project: one closed, one fixed, one open and overdue."""
    closed = an_issue(cast, description="问题甲", due_on=TODAY + datetime.timedelta(days=2))
    services.issue_report_fixed(issue=closed, actor=cast.zhujian, note="已修")
    services.issue_confirm(issue=closed, actor=cast.group_leader)
    fixed = an_issue(cast, description="问题乙", due_on=TODAY + datetime.timedelta(days=5))
    services.issue_report_fixed(issue=fixed, actor=cast.zhujian, note="已修")
    an_issue(cast, description="问题丙", due_on=TODAY)


def test_it_lists_open_first_and_filters_by_state(cast, login, time_machine):
    _walk(cast)
    time_machine.move_to(datetime.datetime(2026, 11, 27, 10, 0))  # 问题丙 is now overdue
    client = login(cast.zhujian)
    html = client.get(URL).content.decode()
    assert html.index("问题丙") < html.index("问题乙") < html.index("问题甲")
    assert html.count('data-testid="issue-overdue"') == 1
    everything = {"问题甲", "问题乙", "问题丙"}
    for state, shown in (("open", {"问题丙"}), ("fixed", {"问题乙"}), ("closed", {"问题甲"}),
                         ("pending", {"问题丙", "问题乙"}), ("overdue", {"问题丙"}), ("nonsense", everything)):
        html = client.get(URL, {"state": state}).content.decode()
        assert {d for d in ("问题甲", "问题乙", "问题丙") if d in html} == shown, state
    assert client.get(URL, {"year": "2025"}).content.decode().count('data-testid="issue-list-row"') == 0
    assert client.get(URL, {"year": "20x6", "page": "x"}).status_code == 200


def test_it_pages_and_counts_queries_constant_as_rows_grow(cast, login, django_assert_max_num_queries):
    an_issue(cast)
    client = login(cast.zhujian)
    client.get(URL)
    with django_assert_max_num_queries(30) as few:
        client.get(URL)
    # More rows, on another project of the same unit (another round's won candidate).
    other = make_round(cast, RoundState.VOTING, year=2025)
    a = other.candidates.order_by("sort").first()
    for user in (cast.deputy, cast.group_leader):
        services.ballot_cast(round=other, actor=user, choices={c.pk: "yes" if c.pk == a.pk else "no"
                                                                for c in other.candidates.all()})
    services.round_close(round=other, actor=cast.dongshan_staff)
    p2 = a.project
    services.supervision_set(project=p2, actor=cast.dongshan_staff, leader=cast.group_leader.deputy,
                             members=[cast.deputy.deputy])
    for i in range(34):
        services.issue_raise(project=p2 if i % 2 else group(cast), actor=cast.deputy, description=f"批量问题{i}",
                             owner="区住建局", due_on=TODAY + datetime.timedelta(days=i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(URL).content.decode()
    assert html.count('data-testid="issue-list-row"') == 30 and "第 1 / 2 页" in html
    assert client.get(URL, {"page": "2"}).content.decode().count('data-testid="issue-list-row"') == 5


def test_the_nav_and_the_panel_lead_to_it(cast, login):
    an_issue(cast)
    html = login(cast.zhujian).get(reverse("home")).content.decode()
    assert 'data-nav="project_issues"' in html
    html = login(cast.leader).get(reverse("home")).content.decode()
    assert 'data-testid="panel-open-issues">1<' in html and f"{URL}?state=pending&amp;year=2026" in html
