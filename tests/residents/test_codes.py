"""Codes (代表码 / 联络站码): issue, revoke, reissue, poster with the QR as inline SVG; access to every view."""

import pytest
from django.urls import reverse

from residents.models import ResidentCode
from tests.access import ViewAccessCases

pytestmark = pytest.mark.django_db


def _code(cast) -> ResidentCode:
    deputy = cast.deputy.deputy
    return ResidentCode.objects.filter(deputy=deputy, is_active=True).first() or ResidentCode.objects.create(
        kind="deputy", deputy=deputy, area=deputy.area)


class TestCodeListAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "admin")
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        _code(cast)
        return reverse("residents:codes")


class TestIssueAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    out_of_scope = ("dongshan_staff",)  # 赵强 is a 任圩街道 deputy
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("residents:code_issue")

    def data(self, cast):
        return {"deputy": cast.renwei_deputy.deputy.pk}

    def test_it_issues_one_active_code_per_deputy(self, login, cast):
        login(cast.staff).post(self.url(cast), self.data(cast))
        code = ResidentCode.objects.get(deputy=cast.renwei_deputy.deputy)
        assert code.is_active and len(code.token) >= 24 and str(code.pk) != code.token
        page = login(cast.staff).post(self.url(cast), self.data(cast), follow=True)
        assert "已有有效的二维码" in page.content.decode() and ResidentCode.objects.count() == 1


class TestRevokeAccess(ViewAccessCases):
    method = "post"
    allowed = ("dongshan_staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("residents:code_revoke", args=[_code(cast).pk])

    def test_it_revokes_and_reissues_with_a_new_token(self, login, cast, client):
        code = _code(cast)
        login(cast.dongshan_staff).post(reverse("residents:code_reissue", args=[code.pk]))
        code.refresh_from_db()
        new = ResidentCode.objects.get(deputy=cast.deputy.deputy, is_active=True)
        assert not code.is_active and code.revoked_at and new.token != code.token
        client.logout()
        assert client.get(f"/q/{code.token}/").status_code == 404
        assert client.get(f"/q/{new.token}/").status_code == 200


class TestReissueAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("residents:code_reissue", args=[_code(cast).pk])


class TestPosterAccess(ViewAccessCases):
    allowed = ("deputy", "staff", "dongshan_staff")
    out_of_scope = ("renwei_deputy", "renwei_staff", "group_leader")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("residents:code_poster", args=[_code(cast).pk])

    def test_it_prints_the_qr_as_inline_svg_with_the_public_name(self, login, cast):
        code = _code(cast)
        page = login(cast.deputy).get(self.url(cast)).content.decode()
        assert "<svg" in page and 'class="segno"' in page and "刘芳" in page and code.token in page
        assert "13805612345" not in page and "style=" not in page and "<script" not in page


class TestPrintAllAccess(ViewAccessCases):
    allowed = ("staff",)
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("residents:code_print_all")

    def test_it_prints_every_code_in_scope(self, login, cast):
        _code(cast)
        ResidentCode.objects.create(kind="deputy", deputy=cast.renwei_deputy.deputy, area=cast.renwei_deputy.deputy.area)
        assert login(cast.staff).get(self.url(cast)).content.decode().count('data-testid="poster"') == 2
        assert login(cast.dongshan_staff).get(self.url(cast)).content.decode().count('data-testid="poster"') == 1


def test_a_deputy_out_of_office_gets_no_code(login, cast):
    cast.renwei_deputy.deputy.mandates.update(status="resigned")
    page = login(cast.staff).post(reverse("residents:code_issue"), {"deputy": cast.renwei_deputy.deputy.pk}, follow=True)
    assert "不在任" in page.content.decode() and not ResidentCode.objects.exists()


def test_the_code_list_keeps_its_query_budget(login, cast, django_assert_max_num_queries):
    from deputies.models import DeputyHome

    _code(cast)
    for i in range(5):
        home = DeputyHome.objects.create(name=f"联络站{i}", kind="station", area=cast.deputy.deputy.area)
        code = ResidentCode.objects.create(kind="station", home=home, area=home.area)
        code.on_duty.add(cast.group_leader.deputy)
    DeputyHome.objects.create(name="没有码的联络站", kind="station", area=cast.deputy.deputy.area)
    client = login(cast.staff)
    client.get(reverse("residents:codes"))
    with django_assert_max_num_queries(16):
        page = client.get(reverse("residents:codes")).content.decode()
    assert page.count('data-testid="code-row"') == 6 and page.count('data-testid="issue-home"') == 1
    assert "张伟" in page  # the deputy on duty


def test_a_deputy_finds_their_own_poster_from_the_list(login, cast):
    code = _code(cast)
    page = login(cast.deputy).get(reverse("residents:list")).content.decode()
    assert reverse("residents:code_poster", args=[code.pk]) in page
    assert 'data-testid="my-code"' not in login(cast.renwei_deputy).get(reverse("residents:list")).content.decode()
