"""Access to every project page (STYLE.md): anonymous → login, out of scope → 404, wrong role → 403,
GET on a POST endpoint → 405, in scope → the effect happened."""

import pytest
from django.urls import reverse

from projects.choices import ProjectState, Rating, RoundState
from projects.models import Ballot, Idea, ProgressReport, Project, ProjectRating, VoteRound
from tests.access import ViewAccessCases

from .helpers import closed_round, dongshan, make_round, project_of, voting_round

pytestmark = pytest.mark.django_db


class TestRoundList(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        voting_round(cast)
        return reverse("projects:list")

    def test_it_lists_only_rounds_in_scope(self, login, cast):
        voting_round(cast)
        assert "东山街道居民代表会议" in login(cast.dongshan_staff).get(self.url(cast)).content.decode()
        assert "东山街道居民代表会议" not in login(cast.renwei_staff).get(self.url(cast)).content.decode()
        assert "东山街道居民代表会议" not in login(cast.renwei_deputy).get(self.url(cast)).content.decode()


class TestRoundNew(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    forbidden = ("leader", "deputy", "zhujian")

    def url(self, cast):
        dongshan(cast)
        return reverse("projects:round_new")

    def data(self, cast):
        from projects.models import Electorate

        return {"electorate": Electorate.objects.get(area__name="东山街道").pk, "year": 2027, "places": 3,
                "session_name": "东山街道2027年居民代表会议", "method": "electronic"}

    test_it_refuses_get_on_a_post_endpoint = None  # the form page is GET, the create POST

    def test_it_works_in_scope(self, login, cast):
        client = login(cast.dongshan_staff)
        assert "东山街道居民代表会议" in client.get(self.url(cast)).content.decode()
        response = client.post(self.url(cast), self.data(cast))
        rnd = VoteRound.objects.get(year=2027)
        assert response.status_code == 302 and response["Location"] == rnd.get_absolute_url()

    def test_it_offers_no_electorate_out_of_scope(self, login, cast):
        response = login(cast.renwei_staff).post(self.url(cast), self.data(cast))
        assert response.status_code == 200 and not VoteRound.objects.exists()
        assert "session_name" in response.content.decode()  # the form again, with what was typed


class TestRoundDetail(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy")
    out_of_scope = ("renwei_staff", "renwei_deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("projects:round_detail", args=[voting_round(cast).pk])

    def test_it_hides_the_tally_of_an_open_vote(self, login, cast):
        from projects import services

        rnd = voting_round(cast)
        services.ballot_cast(round=rnd, actor=cast.deputy, choices={c.pk: "yes" for c in rnd.candidates.all()})
        html = login(cast.dongshan_staff).get(self.url(cast)).content.decode()
        assert 'data-testid="turnout"' in html and 'data-testid="yes"' not in html


class TestRoundAction(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        rnd = make_round(cast, RoundState.COLLECTING) if getattr(cast, "_c", None) is None else cast._c
        cast._c = rnd
        return reverse("projects:round_action", args=[rnd.pk, "add_idea"])

    def data(self, cast):
        return {"title": "社区停车难", "body": "晚间停车位不足"}

    def test_it_works_in_scope(self, login, cast):
        response = login(cast.dongshan_staff).post(self.url(cast), self.data(cast))
        assert response.status_code == 302
        assert Idea.objects.filter(round=cast._c, title="社区停车难").exists()

    def test_it_refuses_open_to_district_staff_and_keeps_the_state(self, login, cast):
        rnd = make_round(cast, RoundState.CANDIDATES)
        response = login(cast.staff).post(reverse("projects:round_action", args=[rnd.pk, "open_vote"]))
        assert response.status_code == 403
        rnd.refresh_from_db()
        assert rnd.state == RoundState.CANDIDATES

    def test_it_keeps_what_was_typed_when_refused(self, login, cast):
        from units.models import HandlingUnit

        rnd = make_round(cast, RoundState.COLLECTING, year=2025)
        client = login(cast.dongshan_staff)
        response = client.post(reverse("projects:round_action", args=[rnd.pk, "add_candidate"]), {
            "name": "口袋公园建设", "content": "新建口袋公园 3 处", "location": "东山街道", "total_investment": "500000",
            "year_investment": "600000", "unit": HandlingUnit.objects.get(name="相山区住房和城乡建设局").pk,
            "starts_on": "2026-05-01", "completes_on": "2026-04-01"})
        html = response.content.decode()
        assert response.status_code == 200 and "口袋公园建设" in html
        assert "当年投资不能大于总投资" in html and "计划完工日期不能早于计划开工日期" in html
        assert not rnd.candidates.filter(name="口袋公园建设").exists()
        rnd = voting_round(cast)  # 投票中: no more ideas, said plainly
        response = client.post(reverse("projects:round_action", args=[rnd.pk, "add_idea"]), {"title": "迟到的意见"})
        assert response.status_code == 200 and "投票中" in response.content.decode()
        assert not Idea.objects.filter(title="迟到的意见").exists()


class TestVote(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy",)
    forbidden = ("dongshan_staff", "leader", "zhujian")

    def url(self, cast):
        return reverse("projects:vote", args=[voting_round(cast).pk])

    def data(self, cast):
        return {f"c{c.pk}": "abstain" for c in voting_round(cast).candidates.all()}

    test_it_refuses_get_on_a_post_endpoint = None  # the page is GET (the ballot) and POST (the vote)

    def test_it_works_in_scope(self, login, cast):
        client = login(cast.deputy)
        assert client.get(self.url(cast)).status_code == 200
        assert client.post(self.url(cast), self.data(cast)).status_code == 302
        ballot = Ballot.objects.get(round=voting_round(cast), deputy=cast.deputy.deputy)
        assert set(ballot.choices.values_list("choice", flat=True)) == {"abstain"}

    def test_it_refuses_an_incomplete_ballot_and_changes_nothing(self, login, cast):
        data = self.data(cast)
        data.popitem()
        response = login(cast.deputy).post(self.url(cast), data)
        assert response.status_code == 200 and "请对每一个候选项目" in response.content.decode()
        assert not Ballot.objects.exists()


class TestNotice(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy")
    out_of_scope = ("renwei_staff", "renwei_deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("projects:notice", args=[closed_round(cast).pk])

    def test_it_works_in_scope(self, login, cast):
        html = login(cast.dongshan_staff).get(self.url(cast)).content.decode()
        assert "票决结果" in html and "老旧小区改造" in html and "当选,列为民生实事项目" in html


class TestProjectList(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "zhujian", "deputy", "leader")

    def url(self, cast):
        closed_round(cast)
        return reverse("projects:project_list")

    def test_it_lists_only_projects_in_scope(self, login, cast):
        url = self.url(cast)
        assert "老旧小区改造" in login(cast.zhujian).get(url).content.decode()
        assert "老旧小区改造" not in login(cast.huanbao).get(url).content.decode()
        assert "老旧小区改造" not in login(cast.renwei_deputy).get(url).content.decode()

    def test_it_forbids_an_account_without_a_role(self, login, cast):
        from tests.factories import UserFactory

        assert login(UserFactory()).get(self.url(cast)).status_code == 403


class TestProjectDetail(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "zhujian", "deputy", "leader")
    out_of_scope = ("huanbao", "renwei_staff", "renwei_deputy")

    def url(self, cast):
        return reverse("projects:project_detail", args=[project_of(cast).pk])


class TestProgress(ViewAccessCases):
    method = "post"
    allowed = ("zhujian",)
    out_of_scope = ("huanbao", "renwei_staff")
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return reverse("projects:progress", args=[project_of(cast).pk])

    def data(self, cast):
        return {"reported_on": "2026-11-20", "percent": "45", "spent": "400000", "text": "管网改造完成一半。"}

    test_it_refuses_get_on_a_post_endpoint = None  # the form page is GET, the report POST

    def test_it_works_in_scope(self, login, cast):
        from projects import services

        services.project_follow(project=project_of(cast), actor=cast.deputy)
        services.project_follow(project=project_of(cast), actor=cast.group_leader)
        client = login(cast.zhujian)
        assert client.get(self.url(cast)).status_code == 200
        assert client.post(self.url(cast), self.data(cast)).status_code == 302
        p = project_of(cast)
        assert (p.percent, str(p.spent)) == (45, "400000.00")
        assert ProgressReport.objects.get(project=p).reported_by == cast.zhujian
        from notifications.models import Notification

        told = set(Notification.objects.filter(kind="projects.report").values_list("recipient__username", flat=True))
        assert told == {"deputy", "zuzhang"}  # the followers are told the progress changed

    def test_it_refuses_a_lower_percent_and_keeps_the_text(self, login, cast):
        client = login(cast.zhujian)
        client.post(self.url(cast), self.data(cast))
        response = client.post(self.url(cast), {**self.data(cast), "percent": "30", "text": "倒退了"})
        assert response.status_code == 200 and "不能低于上次报送" in response.content.decode()
        assert "倒退了" in response.content.decode() and project_of(cast).percent == 45


class TestProjectAction(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy",)
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("projects:project_action", args=[project_of(cast).pk, "rate"])

    def data(self, cast):
        return {"rating": Rating.SATISFIED}

    def test_it_works_in_scope(self, login, cast):
        assert login(cast.deputy).post(self.url(cast), self.data(cast)).status_code == 302
        assert ProjectRating.objects.get(project=project_of(cast)).rating == Rating.SATISFIED

    def test_the_unit_completes_and_staff_accept(self, login, cast):
        p = project_of(cast)
        url = reverse("projects:project_action", args=[p.pk, "complete"])
        assert login(cast.huanbao).post(url, {"completed_on": "2026-11-20"}).status_code == 404
        assert login(cast.zhujian).post(url, {"completed_on": "2026-11-20"}).status_code == 302
        accept = reverse("projects:project_action", args=[p.pk, "accept"])
        assert login(cast.zhujian).post(accept, {"accepted_on": "2026-11-25"}).status_code == 403
        assert login(cast.dongshan_staff).post(accept, {"accepted_on": "2026-11-25"}).status_code == 302
        p.refresh_from_db()
        assert p.state == ProjectState.ACCEPTED and p.percent == 100
        assert list(p.events.values_list("action", flat=True)) == ["start", "complete", "accept"]
        assert Project.objects.count() == 1
