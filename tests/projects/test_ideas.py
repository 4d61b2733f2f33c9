"""Ideas of the call (征集): receipts, tags, merges, the published summary (login and public), and the
figures per round and per project in a fixed number of queries."""

import datetime
import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import services
from projects.choices import RoundState
from projects.models import Idea
from tests.access import ViewAccessCases

from .helpers import candidate_data, closed_round, make_round, project_of

pytestmark = pytest.mark.django_db


def collecting(cast):
    if getattr(cast, "_collecting", None) is None:
        cast._collecting = make_round(cast, RoundState.COLLECTING, year=2027)
    return cast._collecting


def test_receipts_are_numbered_per_round_and_never_reused(cast):
    rnd = collecting(cast)
    second = services.idea_add(round=rnd, actor=cast.dongshan_staff, title="社区停车难")
    assert second.receipt_number == "2027-东山-征集-0002"
    other = make_round(cast, RoundState.COLLECTING, year=2028)
    assert other.ideas.get().receipt_number == "2028-东山-征集-0001"
    Idea.objects.filter(pk=second.pk).delete()
    assert services.idea_add(round=rnd, actor=cast.dongshan_staff, title="又一条").receipt == 3


class TestTagIdea(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        return reverse("projects:round_action", args=[collecting(cast).pk, "tag_idea"])

    def data(self, cast):
        return {"idea": collecting(cast).ideas.get().pk, "tags": "养老 交通,养老"}

    def test_it_works_in_scope(self, login, cast):
        assert login(cast.dongshan_staff).post(self.url(cast), self.data(cast)).status_code == 302
        assert collecting(cast).ideas.get().tags == "养老、交通"

    def test_a_bad_idea_id_or_too_long_tags_is_a_message(self, login, cast):
        client = login(cast.dongshan_staff)
        response = client.post(self.url(cast), {"idea": "999999", "tags": "交通"})
        assert response.status_code == 200 and "找不到这条征集意见" in response.content.decode()
        response = client.post(self.url(cast), {**self.data(cast), "tags": "长" * 81})
        assert response.status_code == 200 and not collecting(cast).ideas.get().tags


class TestMergeIdea(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        rnd = collecting(cast)
        if rnd.ideas.count() == 1:
            services.idea_add(round=rnd, actor=cast.dongshan_staff, title="楼道加装电梯")
            services.idea_add(round=rnd, actor=cast.dongshan_staff, title="老楼电梯")
        return reverse("projects:round_action", args=[rnd.pk, "merge_idea"])

    def data(self, cast):
        first, second, third = collecting(cast).ideas.order_by("receipt")
        return {"idea": second.pk, "into": first.pk}

    def test_it_works_in_scope(self, login, cast):
        client = login(cast.dongshan_staff)
        assert client.post(self.url(cast), self.data(cast)).status_code == 302
        first, second, third = collecting(cast).ideas.order_by("receipt")
        assert second.merged_into == first and list(first.merged.all()) == [second]
        # a merged idea cannot be merged again, nor be a master
        response = client.post(self.url(cast), {"idea": third.pk, "into": second.pk})
        assert response.status_code == 200 and "找不到这条征集意见" in response.content.decode()
        third.refresh_from_db()
        assert third.merged_into is None
        # merging a master carries its merged ideas along
        services.idea_merge(idea=first, into=third, actor=cast.dongshan_staff)
        assert set(third.merged.values_list("receipt", flat=True)) == {1, 2}

    def test_it_refuses_merging_into_itself(self, login, cast):
        idea = collecting(cast).ideas.first()
        response = login(cast.dongshan_staff).post(self.url(cast), {"idea": idea.pk, "into": idea.pk})
        assert response.status_code == 200 and "不能把意见并入它自己" in response.content.decode()


class TestSummary(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy")
    out_of_scope = ("renwei_staff", "renwei_deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("projects:summary", args=[closed_round(cast).pk])

    def test_it_shows_counts_by_tag_and_what_became_of_each_idea(self, login, cast):
        rnd = make_round(cast, RoundState.COLLECTING, year=2025)
        first = rnd.ideas.get()
        services.idea_tag(idea=first, actor=cast.dongshan_staff, tags="养老")
        dup = services.idea_add(round=rnd, actor=cast.dongshan_staff, title="老楼电梯", tags="养老")
        services.idea_add(round=rnd, actor=cast.dongshan_staff, title="广场舞噪音", tags="环境")
        services.idea_merge(idea=dup, into=first, actor=cast.dongshan_staff)
        services.candidate_add(round=rnd, actor=cast.dongshan_staff, ideas=[first], data=candidate_data("电梯加装工程"))
        services.round_confirm_candidates(round=rnd, actor=cast.dongshan_staff)
        html = login(cast.deputy).get(reverse("projects:summary", args=[rnd.pk])).content.decode()
        assert "养老:2" in html and "环境:1" in html
        assert "已并入 2025-东山-征集-0001" in html  # the merged idea's receipt shows where it went
        assert "转为候选项目:电梯加装工程" in html and "未采纳" in html


def test_the_public_summary_has_no_login_no_names_and_guessed_tokens_are_404(cast, client, settings):
    settings.PUBLIC_RATE_LIMIT = 1000
    rnd = closed_round(cast)
    ip = f"10.15.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    response = client.get(reverse("projects:public_summary", args=[rnd.public_token]), REMOTE_ADDR=ip)
    html = response.content.decode()
    assert response.status_code == 200 and "加装电梯" in html and "2026-东山-征集-0001" in html
    for personal in ("周敏", "刘芳", "张伟", "13805612345"):
        assert personal not in html
    assert client.get(reverse("projects:public_summary", args=[secrets.token_urlsafe(18)]),
                      REMOTE_ADDR=ip).status_code == 404


def test_the_summary_queries_do_not_grow_with_the_ideas(cast, login):
    rnd = collecting(cast)
    client = login(cast.dongshan_staff)
    url = reverse("projects:summary", args=[rnd.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(15):
        idea = services.idea_add(round=rnd, actor=cast.dongshan_staff, title=f"意见{n:02d}", tags="交通")
        if n % 2:
            services.idea_merge(idea=idea, into=rnd.ideas.order_by("receipt").first(), actor=cast.dongshan_staff)
    with CaptureQueriesContext(connection) as many:
        assert "意见14" in client.get(url).content.decode()
    assert len(many) == len(few) <= 20


def test_the_project_page_queries_do_not_grow_with_issues_inspections_and_group(cast, login):
    p = project_of(cast)
    services.supervision_set(project=p, actor=cast.dongshan_staff, leader=cast.group_leader.deputy)
    today = datetime.date(2026, 11, 26)
    services.issue_raise(project=p, actor=cast.group_leader, description="首个问题", owner="区住建局", due_on=today)
    # One of each row kind to begin with (a prefetch of photos runs once there is a parent row at all).
    services.inspection_record(project=p, actor=cast.group_leader, inspected_on=today, place="起点", findings="好")
    services.project_report(project=p, actor=cast.zhujian, percent=5, text="开工", reported_on=today)
    services.milestone_add(project=p, actor=cast.zhujian, name="节点起", planned_on=today)
    client = login(cast.group_leader)
    url = p.get_absolute_url()
    client.get(url)  # warm the per-process caches (the working-day calendar)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    services.supervision_set(project=p, actor=cast.dongshan_staff, leader=cast.group_leader.deputy,
                             members=[cast.deputy.deputy])
    for n in range(6):
        issue = services.issue_raise(project=p, actor=cast.group_leader, description=f"问题{n}", owner="区住建局",
                                     due_on=today)
        if n % 2:
            services.issue_report_fixed(issue=issue, actor=cast.zhujian, note="已改")
        services.inspection_record(project=p, actor=cast.deputy, inspected_on=today, place=f"地点{n}", findings="好",
                                   photos=[_checked_png()])
        services.project_report(project=p, actor=cast.zhujian, percent=10 + n, text=f"进展{n}", reported_on=today,
                                photos=[_checked_png(), _checked_png()])
        m = services.milestone_add(project=p, actor=cast.zhujian, name=f"节点{n}", planned_on=datetime.date(2026, 11, 1))
        if n % 2:
            services.milestone_done(milestone=m, actor=cast.zhujian, done_on=today)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "问题5" in html and "地点5" in html and 'data-testid="fig-open-issues">7<' in html
    assert "节点5" in html and "进展5" in html and 'data-testid="fig-overdue-milestones">3<' in html
    assert len(many) == len(few), "\n".join(q["sql"][:200] for q in many.captured_queries)


def test_the_round_page_shows_its_figures(cast, login):
    rnd = closed_round(cast)
    html = login(cast.dongshan_staff).get(rnd.get_absolute_url()).content.decode()
    assert 'data-testid="fig-ideas">1<' in html and 'data-testid="fig-candidates">3<' in html
    assert 'data-testid="fig-places">2<' in html and 'data-testid="fig-won">1<' in html


def _checked_png():
    """A PNG upload as the form leaves it (content-checked: its sniffed type remembered)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_photos import PNG

    f = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    f.xs_content_type = "image/png"
    return f
