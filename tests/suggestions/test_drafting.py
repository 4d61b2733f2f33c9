"""Drafting a suggestion (提出建议) and editing a draft: access, behaviour, the picker's scope, size and
query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deputies.choices import Level
from suggestions.choices import State
from suggestions.models import Category, CoSigner, Suggestion, SuggestionAttachment
from tests import factories
from tests.access import ViewAccessCases

from .helpers import draft, make, session

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _form(cast, **extra):
    sess = session()
    data = {"session": sess.pk, "title": "关于增设东山路信号灯的建议", "body": "早晚高峰拥堵,建议增设信号灯。",
            "consent_public": "on", "save_draft": "1", "submission_token": "0b8a6a3e-9a43-4d4e-8a58-6f6d6c7d1a01"}
    data.update(extra)
    return data


class TestNewAccess(ViewAccessCases):
    allowed = ("deputy", "staff", "group_leader")
    forbidden = ("zhujian", "leader", "dongshan_staff")

    def url(self, cast):
        session()
        return reverse("suggestions:new")


class TestEditAccess(ViewAccessCases):
    allowed = ("deputy",)
    out_of_scope = ("renwei_deputy", "zhujian", "dongshan_staff")
    forbidden = ("group_leader",)  # a co-signer sees the draft but may not edit it

    def url(self, cast):
        return reverse("suggestions:edit", args=[draft(cast).pk])


def test_a_deputy_saves_a_draft_with_every_field_and_unconfirmed_co_signers(login, cast):
    parent = Category.objects.create(name="城乡建设")
    child = Category.objects.create(name="交通", parent=parent)
    co = [cast.group_leader.deputy, cast.renwei_deputy.deputy]
    png = SimpleUploadedFile("现场照片" * 60 + ".png", PNG, content_type="image/png")
    response = login(cast.deputy).post(reverse("suggestions:new"), _form(
        cast, parent_category=parent.pk, category=child.pk, co_deputies=[d.pk for d in co], files=[png]))
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert (s.state, s.title, s.category, s.consent_public, s.lead_deputy) == (
        State.DRAFT, "关于增设东山路信号灯的建议", child, True, cast.deputy.deputy)
    assert set(CoSigner.objects.filter(suggestion=s, confirmed_at__isnull=True).values_list("deputy", flat=True)) == {
        d.pk for d in co}
    att = SuggestionAttachment.objects.get(suggestion=s)
    assert len(att.name) <= 200 and att.name.endswith(".png") and att.content_type == "image/png"


def test_save_and_submit_submits(login, cast):
    data = _form(cast)
    del data["save_draft"]
    data["submit"] = "1"
    login(cast.deputy).post(reverse("suggestions:new"), data)
    assert Suggestion.objects.get().state == State.SUBMITTED


def test_a_deputy_may_not_set_from_motion_nor_consent_defaults_off(login, cast):
    data = _form(cast, from_motion="on")
    del data["consent_public"]
    login(cast.deputy).post(reverse("suggestions:new"), data)
    s = Suggestion.objects.get()
    assert s.from_motion is False and s.consent_public is False


def test_staff_enter_a_paper_suggestion_for_a_deputy_with_paper_signatures(login, cast):
    co = cast.group_leader.deputy
    response = login(cast.staff).post(reverse("suggestions:new"), _form(
        cast, lead_deputy=cast.deputy.deputy.pk, co_deputies=[co.pk], paper_signed=[co.pk], from_motion="on"))
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert s.lead_deputy == cast.deputy.deputy and s.entered_by == cast.staff and s.from_motion
    row = CoSigner.objects.get(suggestion=s)
    assert row.on_paper and row.confirmed_at is not None


def test_staff_must_pick_a_lead_deputy(login, cast):
    response = login(cast.staff).post(reverse("suggestions:new"), _form(cast, lead_deputy_name="没有这个人"))
    assert response.status_code == 400
    assert "领衔代表" in response.content.decode() and not Suggestion.objects.exists()


def test_a_refusal_keeps_everything_typed(login, cast):
    co = cast.group_leader.deputy
    response = login(cast.deputy).post(reverse("suggestions:new"), _form(
        cast, title="", body="我写的很长的内容", co_deputies=[co.pk]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "我写的很长的内容" in html and "未能保存" in html
    assert f'name="co_deputies" value="{co.pk}" checked' in html
    assert 'value="0b8a6a3e-9a43-4d4e-8a58-6f6d6c7d1a01"' in html  # the same token: still one suggestion
    assert not Suggestion.objects.exists()


def test_a_closed_session_is_refused(login, cast):
    closed = session("区人大十二届二次会议", year=2027, open_for_submissions=False)
    response = login(cast.deputy).post(reverse("suggestions:new"), _form(cast, session=closed.pk))
    assert response.status_code == 400 and not Suggestion.objects.exists()


def test_a_double_submit_creates_one_suggestion(login, cast):
    client = login(cast.deputy)
    first = client.post(reverse("suggestions:new"), _form(cast))
    second = client.post(reverse("suggestions:new"), _form(cast))
    assert Suggestion.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_single_open_session_is_the_default(login, cast):
    sess = session()
    form = login(cast.deputy).get(reverse("suggestions:new")).context["form"]
    assert form["session"].value() == sess.pk


def test_editing_a_draft_changes_fields_and_co_signers(login, cast):
    s = draft(cast)  # co-signed by 张伟 (group_leader)
    response = login(cast.deputy).post(reverse("suggestions:edit", args=[s.pk]), {
        "session": s.session_id, "title": "关于东山路改造的建议", "body": "新的内容", "save_draft": "1",
        "co_deputies": [cast.renwei_deputy.deputy.pk]})
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.title, s.body, s.consent_public) == ("关于东山路改造的建议", "新的内容", False)
    assert list(s.cosigners.values_list("deputy", flat=True)) == [cast.renwei_deputy.deputy.pk]


def test_editing_a_submitted_suggestion_is_a_clear_message(login, cast):
    s = make(cast, State.SUBMITTED)
    client = login(cast.deputy)
    response = client.get(reverse("suggestions:edit", args=[s.pk]), follow=True)
    assert "已提交,不能再修改" in response.content.decode()
    response = client.post(reverse("suggestions:edit", args=[s.pk]), {"title": "改", "session": s.session_id})
    s.refresh_from_db()
    assert response.status_code == 302 and s.title != "改"


def test_the_picker_offers_only_in_office_deputies_of_the_sessions_level(login, cast):
    sess = session()
    city = factories.CongressTermFactory(level=Level.CITY, number=17)
    other = factories.DeputyFactory(name="张卫城")
    factories.MandateFactory(deputy=other, term=city)
    response = login(cast.deputy).get(reverse("suggestions:deputy_search"), {"co_deputy_name": "张", "session": sess.pk})
    html = response.content.decode()
    assert "张伟" in html and "张卫城" not in html
    assert f'data-deputy="{cast.deputy.deputy.pk}"' not in html  # not oneself


def test_the_picker_refuses_units(login, cast):
    assert login(cast.zhujian).get(reverse("suggestions:deputy_search"), {"co_deputy_name": "张"}).status_code == 403


def _page(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("suggestions:new"))
    assert response.status_code == 200
    return response, len(ctx)


def test_the_page_stays_small_and_its_query_count_constant_with_2000_deputies(login, cast):
    from deputies.models import Deputy, Mandate

    session()
    client = login(cast.deputy)
    _response, few = _page(client)
    term = cast.deputy.deputy.mandates.first().term
    area = cast.deputy.deputy.mandates.first().area
    people = Deputy.objects.bulk_create([Deputy(name=f"代表{i:04d}") for i in range(2000)])
    Mandate.objects.bulk_create([Mandate(deputy=d, term=term, area=area) for d in people])
    response, many = _page(client)
    assert many == few
    assert len(response.content) <= 40_000
    assert "代表1999" not in response.content.decode()
