"""Access to every points page (STYLE.md): anonymous → login, out of scope → 404, wrong role → 403,
GET on a POST endpoint → 405, in scope → the effect happened; query budgets of the list pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity, Attendance
from points import services
from points.choices import ClaimState, CorrectionState, SnapshotStatus
from points.models import Claim, Correction, Snapshot
from tests import factories
from tests.access import ViewAccessCases

from .conftest import photo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rules", "q3")]


def published(cast) -> Snapshot:
    """2026 Q3, computed and published (once per test, however often a URL is built)."""
    snap = Snapshot.objects.filter(year=2026, quarter=3).first()
    if snap is None or not snap.is_published:
        snap = services.snapshot_publish(snapshot=services.snapshot_compute(year=2026, quarter=3, actor=cast.staff),
                                         actor=cast.staff)
    return snap


def draft(cast) -> Snapshot:
    return Snapshot.objects.filter(year=2026, quarter=4).first() or services.snapshot_compute(
        year=2026, quarter=4, actor=cast.staff)


def claim(cast) -> Claim:
    return Claim.objects.filter(deputy=cast.deputy.deputy).first() or services.claim_submit(
        actor=cast.deputy, rule=services.PointRule.objects.get(name="参加上级组织的学习培训(自行申报)"),
        date=datetime.date(2026, 11, 3), description="参加省人大代表履职培训班", files=[photo()])


def absence_line(cast):
    return published(cast).lines.get(deputy=cast.deputy.deputy, rule__name="无故缺席活动")


def correction(cast) -> Correction:
    return Correction.objects.filter(deputy=cast.deputy.deputy).first() or services.correction_request(
        actor=cast.deputy, snapshot=published(cast), line=absence_line(cast), reason="已请假,附请假条",
        files=[photo("请假条.png")])


class TestHome(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("points:home")

    def test_reviewers_see_what_waits_in_their_area(self, login, cast):
        claim(cast)
        assert "刘芳 · 参加上级组织的学习培训" in login(cast.dongshan_staff).get(self.url(cast)).content.decode()
        assert "刘芳 · " not in login(cast.renwei_staff).get(self.url(cast)).content.decode()
        assert 'data-testid="pending-claims"' not in login(cast.leader).get(self.url(cast)).content.decode()

    def test_a_deputy_is_sent_to_their_own_points(self, login, cast):
        response = login(cast.deputy).get(self.url(cast))
        assert response.status_code == 302 and response["Location"] == reverse("points:mine")


class TestCompute(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "leader", "deputy", "zhujian")

    def url(self, cast):
        return reverse("points:compute")

    def data(self, cast):
        return {"year": 2026, "quarter": 3}

    def test_it_works_in_scope(self, login, cast):
        response = login(cast.staff).post(self.url(cast), self.data(cast))
        snap = Snapshot.objects.get(year=2026, quarter=3)
        assert response.status_code == 302 and response["Location"] == snap.get_absolute_url()
        assert snap.lines.filter(deputy=cast.deputy.deputy).count() == 2  # two research trips, one absence

    def test_a_bad_quarter_changes_nothing(self, login, cast):
        response = login(cast.staff).post(self.url(cast), {"year": 2026, "quarter": 9}, follow=True)
        assert "请选择正确的年度和季度" in response.content.decode() and not Snapshot.objects.exists()

    def test_a_published_quarter_is_not_recomputed(self, login, cast):
        snap = published(cast)
        before = list(snap.lines.values_list("pk", flat=True))
        response = login(cast.staff).post(self.url(cast), self.data(cast), follow=True)
        assert "已发布" in response.content.decode()
        assert list(snap.lines.values_list("pk", flat=True)) == before


class TestPublish(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "leader", "deputy", "zhujian")

    def url(self, cast):
        return reverse("points:publish", args=[draft(cast).pk])

    def test_it_works_in_scope(self, login, cast):
        login(cast.staff).post(self.url(cast))
        snap = draft(cast)
        assert snap.status == SnapshotStatus.PUBLISHED and snap.correction_due is not None


class TestSnapshot(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader")
    forbidden = ("deputy", "group_leader", "zhujian")

    def url(self, cast):
        return reverse("points:snapshot", args=[published(cast).pk])

    def test_area_staff_see_only_their_area(self, login, cast):
        assert "刘芳" in login(cast.dongshan_staff).get(self.url(cast)).content.decode()
        html = login(cast.renwei_staff).get(self.url(cast)).content.decode()
        assert "赵强" in html and "刘芳" not in html

    def test_its_queries_do_not_grow_with_the_deputies(self, login, cast):
        client = login(cast.staff)
        url = self.url(cast)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        _more_deputies(cast, 30)
        Snapshot.objects.filter(pk=published(cast).pk).update(status=SnapshotStatus.DRAFT)
        services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
        with CaptureQueriesContext(connection) as many:
            assert "代表甲29" in client.get(url).content.decode()
        assert len(many) == len(few) <= 14


def _more_deputies(cast, n):
    """n more deputies of 东山街道 in 刘芳's group, each attending the Q3 research trip."""
    from groups.models import GroupMembership

    group = GroupMembership.objects.filter(deputy=cast.deputy.deputy).first().group
    trip = Activity.objects.get(title="老旧小区改造调研")
    for i in range(n):
        deputy = factories.MandateFactory(deputy__name=f"代表甲{i:02d}").deputy
        factories.GroupMembershipFactory(group=group, deputy=deputy)
        Attendance.objects.create(activity=trip, deputy=deputy, status="attended")


class TestBreakdown(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy", "group_leader")
    out_of_scope = ("renwei_staff", "renwei_deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("points:breakdown", args=[published(cast).pk, cast.deputy.deputy.pk])

    def test_it_links_each_record_behind_a_line(self, login, cast):
        html = login(cast.deputy).get(self.url(cast)).content.decode()
        trip = Activity.objects.get(title="老旧小区改造调研")
        assert reverse("activities:detail", args=[trip.pk]) in html and "小组集中活动" in html
        assert 'data-testid="correction-form"' in html  # the window is open to the deputy herself

    def test_a_draft_is_not_shown_to_deputies(self, login, cast):
        url = reverse("points:breakdown", args=[draft(cast).pk, cast.deputy.deputy.pk])
        assert login(cast.deputy).get(url).status_code == 404
        assert login(cast.staff).get(url).status_code == 200

    def test_its_queries_are_fixed(self, login, cast, django_assert_max_num_queries):
        client = login(cast.deputy)
        url = self.url(cast)
        with django_assert_max_num_queries(22):
            client.get(url)


class TestMine(ViewAccessCases):
    allowed = ("deputy", "group_leader", "renwei_deputy")
    forbidden = ("staff", "leader", "zhujian")

    def url(self, cast):
        published(cast)
        return reverse("points:mine")

    def test_it_shows_the_latest_published_quarter_only(self, login, cast):
        published(cast)
        draft(cast)
        html = login(cast.deputy).get(self.url(cast)).content.decode()
        assert "2026年第三季度积分" in html and "第四季度" not in html


class TestRanking(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy", "renwei_deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("points:ranking", args=[published(cast).pk])

    def test_a_deputy_sees_their_group_first(self, login, cast):
        html = login(cast.deputy).get(self.url(cast)).content.decode()
        assert "刘芳" in html and "张伟" in html

    def test_a_draft_ranking_is_not_shown_to_deputies(self, login, cast):
        assert login(cast.deputy).get(reverse("points:ranking", args=[draft(cast).pk])).status_code == 404

    def test_its_queries_do_not_grow_with_the_deputies(self, login, cast):
        client = login(cast.deputy)
        url = self.url(cast)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        _more_deputies(cast, 30)
        Snapshot.objects.filter(pk=published(cast).pk).update(status=SnapshotStatus.DRAFT)
        services.snapshot_publish(snapshot=services.snapshot_compute(year=2026, quarter=3, actor=cast.staff),
                                  actor=cast.staff)
        with CaptureQueriesContext(connection) as many:
            assert "代表甲29" in client.get(url).content.decode()
        assert len(many) == len(few) <= 12


    def test_many_groups_come_in_pages_with_the_deputys_own_pinned(self, login, cast):
        from points.views import GROUPS_PAGE

        trip = Activity.objects.get(title="老旧小区改造调研")
        for i in range(GROUPS_PAGE + 5):  # groups that all score above 刘芳's
            deputy = factories.MandateFactory(deputy__name=f"代表乙{i:02d}").deputy
            factories.GroupMembershipFactory(group=factories.DeputyGroupFactory(name=f"乙{i:02d}组"), deputy=deputy)
            Attendance.objects.create(activity=trip, deputy=deputy, status="attended")
            Attendance.objects.create(activity=Activity.objects.get(title="背街小巷整治视察"), deputy=deputy,
                                      status="attended")
        client = login(cast.deputy)
        own_page = client.get(self.url(cast)).content.decode()  # opens on the page of her group
        assert "东山街道区人大代表小组 · 第 36 名 / 共 37 组" in own_page  # 任圩's group is last, with 0
        assert own_page.count('data-testid="current-group"') == 1
        assert own_page.count("乙") == 5
        first = client.get(self.url(cast) + "?page=1").content.decode()
        assert first.count("乙") == GROUPS_PAGE and first.count('data-testid="current-group"') == 1  # pinned


class TestClaimNew(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    forbidden = ("staff", "dongshan_staff", "leader", "zhujian")
    test_it_refuses_get_on_a_post_endpoint = None  # the form is GET, the report POST

    def url(self, cast):
        return reverse("points:claim_new")

    def data(self, cast):
        return {"rule": services.PointRule.objects.get(name="参加上级组织的学习培训(自行申报)").pk,
                "date": "2026-11-03", "description": "参加省人大代表履职培训班", "files": photo()}

    def test_it_works_in_scope(self, login, cast):
        response = login(cast.deputy).post(self.url(cast), self.data(cast))
        made = Claim.objects.get(deputy=cast.deputy.deputy)
        assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
        assert made.state == ClaimState.SUBMITTED and made.files.count() == 1

    def test_it_keeps_what_was_typed_when_refused(self, login, cast):
        data = {**self.data(cast), "date": "2099-01-01"}
        response = login(cast.deputy).post(self.url(cast), data)
        html = response.content.decode()
        assert response.status_code == 400 and "参加省人大代表履职培训班" in html
        assert not Claim.objects.exists()

    def test_a_file_that_is_not_a_photo_or_pdf_is_refused(self, login, cast):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = {**self.data(cast), "files": SimpleUploadedFile("x.png", b"MZ\x90\x00not a picture")}
        response = login(cast.deputy).post(self.url(cast), data)
        assert response.status_code == 400 and not Claim.objects.exists()


class TestClaimDetail(ViewAccessCases):
    allowed = ("deputy", "dongshan_staff", "staff", "leader")
    out_of_scope = ("renwei_staff", "renwei_deputy", "group_leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return claim(cast).get_absolute_url()

    def test_reviewers_get_the_forms_and_others_do_not(self, login, cast):
        assert 'data-testid="do-approve"' in login(cast.dongshan_staff).get(self.url(cast)).content.decode()
        assert "/do/approve/" not in login(cast.leader).get(self.url(cast)).content.decode()
        assert "/do/approve/" not in login(cast.deputy).get(self.url(cast)).content.decode()


class TestClaimApprove(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        return reverse("points:claim_action", args=[claim(cast).pk, "approve"])

    def data(self, cast):
        return {"reason": "材料齐全"}

    def test_it_works_in_scope(self, login, cast):
        login(cast.dongshan_staff).post(self.url(cast), self.data(cast))
        made = claim(cast)
        assert made.state == ClaimState.APPROVED and made.reviewed_by == cast.dongshan_staff


class TestClaimRefuse(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        return reverse("points:claim_action", args=[claim(cast).pk, "refuse"])

    def data(self, cast):
        return {"reason": "照片不能证明参加培训"}

    def test_it_works_in_scope(self, login, cast):
        login(cast.dongshan_staff).post(self.url(cast), self.data(cast))
        assert claim(cast).state == ClaimState.REFUSED

    def test_a_refusal_needs_a_reason(self, login, cast):
        response = login(cast.dongshan_staff).post(self.url(cast), {"reason": "  "})
        assert response.status_code == 400 and claim(cast).state == ClaimState.SUBMITTED


class TestCorrectionNew(ViewAccessCases):
    method = "post"
    allowed = ("deputy",)
    forbidden = ("staff", "dongshan_staff", "leader", "zhujian")

    def url(self, cast):
        return reverse("points:correction_new", args=[published(cast).pk])

    def data(self, cast):
        return {"line": absence_line(cast).pk, "reason": "已请假,附请假条", "files": photo("请假条.png")}

    def test_it_works_in_scope(self, login, cast):
        response = login(cast.deputy).post(self.url(cast), self.data(cast))
        made = Correction.objects.get(deputy=cast.deputy.deputy)
        assert response.status_code == 302 and made.line == absence_line(cast) and made.files.count() == 1

    def test_another_deputys_line_is_not_offered(self, login, cast):
        other = published(cast).lines.filter(deputy=cast.group_leader.deputy).first()
        response = login(cast.deputy).post(self.url(cast), {**self.data(cast), "line": other.pk})
        assert response.status_code == 400 and not Correction.objects.exists()
        assert "已请假,附请假条" in response.content.decode()

    def test_a_draft_quarter_cannot_be_corrected(self, login, cast):
        response = login(cast.deputy).post(reverse("points:correction_new", args=[draft(cast).pk]),
                                           {"missing": "2026-11-01 走访", "reason": "漏记"})
        assert response.status_code == 404 and not Correction.objects.exists()


class TestCorrectionDetail(ViewAccessCases):
    allowed = ("deputy", "dongshan_staff", "staff", "leader")
    out_of_scope = ("renwei_staff", "renwei_deputy", "group_leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return correction(cast).get_absolute_url()


class TestCorrectionAccept(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        return reverse("points:correction_action", args=[correction(cast).pk, "accept"])

    def data(self, cast):
        return {"delta": "2", "answer": "经核实已请假"}

    def test_it_works_in_scope(self, login, cast):
        login(cast.dongshan_staff).post(self.url(cast), self.data(cast))
        made = correction(cast)
        assert made.state == CorrectionState.ACCEPTED and str(made.delta) in ("2", "2.0", "2.00")


class TestCorrectionRefuse(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "leader", "zhujian")

    def url(self, cast):
        return reverse("points:correction_action", args=[correction(cast).pk, "refuse"])

    def data(self, cast):
        return {"answer": "请假条日期不符"}

    def test_it_works_in_scope(self, login, cast):
        login(cast.dongshan_staff).post(self.url(cast), self.data(cast))
        assert correction(cast).state == CorrectionState.REFUSED


class TestEvidence(ViewAccessCases):
    allowed = ("deputy", "dongshan_staff", "staff")
    out_of_scope = ("renwei_staff", "renwei_deputy", "zhujian")

    def url(self, cast):
        return reverse("points:evidence", args=[claim(cast).files.first().pk])

    def test_it_is_served_as_an_image_that_cannot_run(self, login, cast):
        response = login(cast.deputy).get(self.url(cast))
        assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
