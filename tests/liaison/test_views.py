"""Pages of 双联: access for every view (tests/access.py), what each page does, and query counts that do
not grow with the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Role
from accounts.services import user_create
from liaison import services
from liaison.models import Contact, Link, Opinion
from petitions.models import Item
from tests import factories
from tests.access import ViewAccessCases
from tests.personas import PASSWORD

from .conftest import contact_data, contact_of, link_of

pytestmark = pytest.mark.django_db


def liu_link(cast):
    """钱主任 ↔ 刘芳 (东山街道), made once per test."""
    return Link.objects.filter(member=cast.member, deputy=cast.deputy.deputy).first() or link_of(
        cast, cast.member, cast.deputy)


def liu_contact(cast):
    return Contact.objects.filter(link=liu_link(cast)).first() or contact_of(cast, liu_link(cast))


class TestIndexAccess(ViewAccessCases):
    allowed = ("member", "staff", "dongshan_staff", "leader", "deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("liaison:index")

    def test_it_sends_each_role_to_its_page(self, login, cast):
        expected = {"member": "liaison:mine", "staff": "liaison:register", "leader": "liaison:register",
                    "dongshan_staff": "liaison:register", "deputy": "liaison:contacts"}
        for name, url_name in expected.items():
            assert login(getattr(cast, name)).get(self.url(cast))["Location"] == reverse(url_name), name


class TestMineAccess(ViewAccessCases):
    allowed = ("member",)
    forbidden = ("staff", "dongshan_staff", "leader", "deputy", "zhujian")

    def url(self, cast):
        return reverse("liaison:mine")


class TestContactsAccess(ViewAccessCases):
    allowed = ("member", "staff", "dongshan_staff", "leader", "deputy")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("liaison:contacts")


class TestContactDetailAccess(ViewAccessCases):
    allowed = ("member", "staff", "dongshan_staff", "leader", "deputy", "admin")
    out_of_scope = ("other_member", "renwei_staff", "renwei_deputy", "group_leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("liaison:contact", args=[liu_contact(cast).pk])


class TestContactCreateAccess(ViewAccessCases):
    allowed = ("member", "staff")
    out_of_scope = ("other_member",)
    forbidden = ("leader", "dongshan_staff", "deputy", "zhujian")

    def url(self, cast):
        return reverse("liaison:contact_create", args=[liu_link(cast).pk])


class TestContactCreatePostAccess(ViewAccessCases):
    method = "post"
    allowed = ("member", "staff")
    out_of_scope = ("other_member",)
    forbidden = ("leader", "dongshan_staff", "deputy", "zhujian")
    test_it_refuses_get_on_a_post_endpoint = None  # its GET is the form

    def url(self, cast):
        return reverse("liaison:contact_create", args=[liu_link(cast).pk])

    def data(self, cast):
        return contact_data()

    def test_it_works_in_scope(self, login, cast):
        super().test_it_works_in_scope(login, cast)
        made = list(Contact.objects.order_by("id"))
        assert [c.created_by for c in made] == [cast.member, cast.staff]
        assert Opinion.objects.filter(contact=made[0]).count() == 2


class TestConvertAccess(ViewAccessCases):
    method = "post"
    allowed = ("member",)
    out_of_scope = ("other_member",)
    forbidden = ("leader", "dongshan_staff", "renwei_staff", "deputy", "zhujian")

    def url(self, cast):
        return reverse("liaison:convert", args=[liu_contact(cast).opinions.first().pk])

    def data(self, cast):
        return {"category": "urban"}

    def test_it_works_in_scope(self, login, cast):
        super().test_it_works_in_scope(login, cast)
        item = Item.objects.get()
        assert item.deputy == cast.deputy.deputy and item.category == "urban" and item.state == "submitted"


class TestRegisterAccess(ViewAccessCases):
    allowed = ("staff", "admin", "dongshan_staff", "leader")
    forbidden = ("member", "deputy", "zhujian")

    def url(self, cast):
        return reverse("liaison:register")


class TestLinkCreateAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "leader", "member", "deputy", "zhujian")

    def url(self, cast):
        return reverse("liaison:link_create")

    def data(self, cast):
        from deputies.models import CongressTerm

        return {"member": cast.member.pk, "term": CongressTerm.objects.get().pk, "deputy": cast.deputy.deputy.pk,
                "since": "2026-03-01"}

    def test_it_works_in_scope(self, login, cast):
        super().test_it_works_in_scope(login, cast)
        link = Link.objects.get()
        assert (link.member, link.deputy, link.since, link.created_by) == (
            cast.member, cast.deputy.deputy, datetime.date(2026, 3, 1), cast.staff)


class TestLinkEndAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("dongshan_staff", "leader", "member", "deputy", "zhujian")

    def url(self, cast):
        return reverse("liaison:link_end", args=[liu_link(cast).pk])

    def test_it_works_in_scope(self, login, cast):
        super().test_it_works_in_scope(login, cast)
        assert not Link.objects.get().active


class TestFiguresAccess(ViewAccessCases):
    allowed = ("staff", "leader", "dongshan_staff", "admin")
    forbidden = ("member", "deputy", "zhujian")

    def url(self, cast):
        return reverse("liaison:figures")


# --- What the pages do ----------------------------------------------------------------------------


def test_mine_shows_the_members_deputies_with_a_record_button_and_this_quarters_count(login, cast, links):
    contact_of(cast, links["liu"])
    contact_of(cast, links["liu"], date=datetime.date(2026, 8, 1))  # last quarter
    body = login(cast.member).get(reverse("liaison:mine")).content.decode()
    assert body.count('data-testid="my-link"') == 2 and "张伟" not in body
    assert f'data-testid="record-{cast.deputy.deputy.pk}"' in body
    assert "2026年第4季度已联系 1 次,共联系代表 2 位" in body and "1 位代表本季度未联系" in body
    assert body.count('data-testid="recent-contact"') == 2


def test_the_contact_form_records_a_visit_with_one_opinion_per_line(login, cast, links):
    response = login(cast.member).post(reverse("liaison:contact_create", args=[links["liu"].pk]), contact_data())
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    assert list(contact.opinions.values_list("text", flat=True)) == ["背街小巷路灯不亮", "垃圾清运不及时"]
    assert (contact.kind, contact.date, contact.place) == ("visit", datetime.date(2026, 11, 20), "东山街道代表之家")


@pytest.mark.parametrize(("extra", "error"), [
    ({"date": "2026-11-27"}, "日期不能晚于 2026-11-26"),
    ({"date": "2026-13-45"}, "请填写有效的日期"),
    ({"date": "99999-01-01"}, "请填写有效的日期"),
    ({"heard": ""}, "这个字段是必填项"),
    ({"heard": "很" * 5001}, "5000"),
    ({"kind": "letter"}, "选择一个有效的选项"),
    ({"place": "地" * 101}, "100"),
    ({"opinions": "好\n" + "很" * 1001}, "第 2 条意见过长"),
])
def test_a_refused_contact_keeps_what_was_typed(login, cast, links, extra, error):
    data = contact_data(opinions="背街小巷路灯不亮\n垃圾清运不及时", **{k: v for k, v in extra.items() if k != "opinions"})
    if "opinions" in extra:
        data["opinions"] = extra["opinions"]
    data.setdefault("place", "东山街道代表之家")
    response = login(cast.member).post(reverse("liaison:contact_create", args=[links["liu"].pk]), data)
    body = response.content.decode()
    assert response.status_code == 400 and not Contact.objects.exists()
    assert error in body
    if "opinions" not in extra:
        assert "背街小巷路灯不亮\n垃圾清运不及时" in body
    if "heard" not in extra:
        assert "听取代表对背街小巷整治的意见。" in body


def test_an_ended_link_takes_no_contact_from_the_form(login, cast, links):
    services.link_end(actor=cast.staff, link=links["liu"])
    response = login(cast.member).get(reverse("liaison:contact_create", args=[links["liu"].pk]))
    assert response.status_code == 302
    response = login(cast.member).post(reverse("liaison:contact_create", args=[links["liu"].pk]), contact_data())
    assert response.status_code == 302 and not Contact.objects.exists()


def test_bad_ids_are_404_not_500(login, cast, links):
    client = login(cast.staff)
    for url in ("/liaison/contacts/999999/", "/liaison/links/999999/contact/"):
        assert client.get(url).status_code == 404
    assert client.post("/liaison/opinions/999999/convert/").status_code == 404
    assert client.post("/liaison/links/999999/end/").status_code == 404
    assert client.get("/liaison/contacts/99999999999999999999/").status_code == 404


def test_the_detail_offers_one_conversion_per_opinion_and_then_shows_the_item(login, cast, links):
    contact = contact_of(cast, links["liu"])
    first, second = contact.opinions.order_by("id")
    client = login(cast.member)
    body = client.get(contact.get_absolute_url()).content.decode()
    assert body.count('data-testid="do-convert"') == 2
    response = client.post(reverse("liaison:convert", args=[first.pk]), {"category": "nonsense"})
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    item = Item.objects.get()
    assert item.category == "other"
    body = client.get(contact.get_absolute_url()).content.decode()
    assert "已转为社情民意(编号" in body  # the message
    assert body.count('data-testid="do-convert"') == 1 and item.number in body
    assert 'data-testid="item-link"' not in body  # the member cannot open the item page
    again = client.post(reverse("liaison:convert", args=[first.pk]), follow=True).content.decode()
    assert "未重复录入" in again and Item.objects.count() == 1
    staff_body = login(cast.staff).get(contact.get_absolute_url()).content.decode()
    assert f'href="{item.get_absolute_url()}"' in staff_body
    assert second.pk and Opinion.objects.filter(item__isnull=True).count() == 1


def test_deputies_and_leaders_read_the_contact_without_buttons(login, cast, links):
    contact = contact_of(cast, links["liu"])
    for who in ("deputy", "leader", "dongshan_staff"):
        body = login(getattr(cast, who)).get(contact.get_absolute_url()).content.decode()
        assert "3号楼加装电梯资金分摊方案未定" in body and 'data-testid="do-convert"' not in body, who


def test_the_register_adds_a_link_after_searching_the_deputy(login, cast, term):
    client = login(cast.staff)
    found = client.post(reverse("liaison:link_create"), {"member": cast.member.pk, "term": term.pk,
                                                         "deputy_name": "刘", "since": "2026-02-01", "find": "1"})
    body = found.content.decode()
    assert found.status_code == 200 and body.count('data-testid="deputy-candidate"') == 1 and not Link.objects.exists()
    assert f'value="{cast.member.pk}" selected' in body and 'value="2026-02-01"' in body
    none = client.post(reverse("liaison:link_create"), {"deputy_name": "不存在", "find": "1"}).content.decode()
    assert "没有找到与“不存在”匹配" in none
    response = client.post(reverse("liaison:link_create"), {"member": cast.member.pk, "term": term.pk,
                                                            "deputy": cast.deputy.deputy.pk, "since": "2026-02-01"})
    assert response.status_code == 302 and Link.objects.get().deputy == cast.deputy.deputy
    body = client.get(reverse("liaison:register")).content.decode()
    assert "钱主任" in body and "刘芳" in body and body.count('data-testid="link-row"') == 1


@pytest.mark.parametrize(("extra", "error"), [
    ({"member": "abc"}, "请选择常委会组成人员"),
    ({"deputy": "999999"}, "请从搜索结果中选择代表"),
    ({"since": "2026-12-01"}, "日期不能晚于"),
    ({"since": "not-a-date"}, "请填写有效的日期"),
])
def test_a_refused_link_shows_why_and_keeps_what_was_typed(login, cast, term, extra, error):
    data = {"member": cast.member.pk, "term": term.pk, "deputy": cast.deputy.deputy.pk, "since": "2026-02-01",
            "deputy_name": "刘芳"}
    data.update(extra)
    response = login(cast.staff).post(reverse("liaison:link_create"), data)
    body = response.content.decode()
    assert response.status_code == 400 and error in body and not Link.objects.exists()
    assert 'value="刘芳"' in body


def test_linking_a_user_without_the_role_is_refused(login, cast, term):
    response = login(cast.staff).post(reverse("liaison:link_create"), {
        "member": cast.leader.pk, "term": term.pk, "deputy": cast.deputy.deputy.pk, "since": "2026-02-01"})
    assert response.status_code == 400 and not Link.objects.exists()


def test_a_second_link_of_the_same_two_is_refused_with_a_message(login, cast, links, term):
    response = login(cast.staff).post(reverse("liaison:link_create"), {
        "member": cast.member.pk, "term": term.pk, "deputy": cast.deputy.deputy.pk, "since": "2026-02-01"})
    assert response.status_code == 400 and "已结对" in response.content.decode()


def test_the_register_ends_a_link_and_can_show_the_ended(login, cast, links):
    client = login(cast.staff)
    assert client.post(reverse("liaison:link_end", args=[links["liu"].pk])).status_code == 302
    body = client.get(reverse("liaison:register")).content.decode()
    assert body.count('data-testid="link-row"') == 2
    body = client.get(reverse("liaison:register"), {"ended": "1"}).content.decode()
    assert body.count('data-testid="link-row"') == 3 and "已结束" in body
    again = client.post(reverse("liaison:link_end", args=[links["liu"].pk]), follow=True).content.decode()
    assert "该双联关系已结束" in again


def test_area_staff_read_their_areas_register_without_the_add_form(login, cast, links):
    body = login(cast.dongshan_staff).get(reverse("liaison:register")).content.decode()
    assert body.count('data-testid="link-row"') == 2 and "赵强" not in body
    assert 'data-testid="link-form"' not in body and 'data-testid="do-end"' not in body


def test_the_figures_page_shows_the_figures_and_flags_idle_members(login, cast, links):
    contact = contact_of(cast, links["liu"])
    services.opinion_convert(opinion=contact.opinions.first(), actor=cast.member)
    body = login(cast.leader).get(reverse("liaison:figures")).content.decode()
    assert 'data-testid="covered">3<' in body and 'data-testid="contacts">1<' in body
    assert 'data-testid="heard">2<' in body and 'data-testid="converted">1<' in body
    assert body.count('data-testid="flagged"') == 1 and "1 人本季度未联系" in body
    assert 'data-testid="rate-quarter">0%<' in body


@pytest.mark.parametrize("params", [{"year": "abc", "quarter": "9", "term": "x"}, {"year": "99999999999999999999"},
                                    {"year": "1900", "quarter": "-1"}, {"term": "999999"}])
def test_the_figures_page_takes_bad_parameters_without_an_error(login, cast, links, params):
    response = login(cast.staff).get(reverse("liaison:figures"), params)
    assert response.status_code == 200 and "2026年第4季度双联统计" in response.content.decode()


def test_the_contact_list_filters_and_takes_bad_parameters(login, cast, links):
    contact_of(cast, links["liu"])
    contact_of(cast, links["zhao"], kind="phone")
    client = login(cast.staff)

    def rows(**params):
        return client.get(reverse("liaison:contacts"), params).content.decode().count('data-testid="contact-row"')

    assert rows() == 2 and rows(kind="phone") == 1 and rows(deputy=cast.deputy.deputy.pk) == 1
    assert rows(member=cast.other_member.pk) == 0
    assert rows(kind="x", member="abc", deputy="99999999999999999999", page="zz") == 2


# --- Query counts that do not grow with the rows -----------------------------------------------------


def _more(cast, term, n):
    """n more members, each linked to a new 东山街道 deputy with a contact of two opinions, one converted."""
    for i in range(n):
        member = user_create(username=f"extra{i}", password=PASSWORD, full_name=f"委员{i:02d}",
                             roles=[Role.COMMITTEE_MEMBER])
        deputy = factories.MandateFactory(term=term, deputy__name=f"代表乙{i:02d}").deputy
        link = services.link_create(actor=cast.staff, member=member, deputy=deputy, term=term,
                                    since=datetime.date(2026, 1, 5))
        contact = contact_of(cast, link)
        services.opinion_convert(opinion=contact.opinions.first(), actor=member)
        services.link_create(actor=cast.staff, member=cast.member, deputy=deputy, term=term,
                             since=datetime.date(2026, 1, 5))
        contact_of(cast, Link.objects.get(member=cast.member, deputy=deputy))


@pytest.mark.parametrize(("who", "url_name", "budget"), [
    ("staff", "liaison:register", 18), ("dongshan_staff", "liaison:register", 18),
    ("staff", "liaison:figures", 18), ("dongshan_staff", "liaison:figures", 18),
    ("staff", "liaison:contacts", 14), ("member", "liaison:mine", 8),
])
def test_its_queries_do_not_grow_with_the_rows(login, cast, links, term, who, url_name, budget):
    contact_of(cast, links["liu"])
    client = login(getattr(cast, who))
    url = reverse(url_name)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more(cast, term, 8)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert "代表乙07" in body or url_name == "liaison:figures"
    assert len(many) == len(few) <= budget


def test_the_contact_page_queries_do_not_grow_with_the_opinions(login, cast, links):
    small = contact_of(cast, links["liu"])
    services.opinion_convert(opinion=small.opinions.first(), actor=cast.member)
    big = contact_of(cast, links["liu"], opinions=[f"意见{i}" for i in range(12)])
    for opinion in big.opinions.all()[:6]:
        services.opinion_convert(opinion=opinion, actor=cast.member)
    client = login(cast.staff)
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as many:
        assert client.get(big.get_absolute_url()).content.decode().count('data-testid="opinion"') == 12
    assert len(many) == len(few)


# --- Navigation ----------------------------------------------------------------------------------


def test_the_navigation_lists_liaison_under_deputy_work_for_members_staff_and_leaders(cast):
    from core import nav

    for who in ("member", "staff", "leader", "dongshan_staff"):
        assert "liaison" in {e["key"] for e in nav.items_for(getattr(cast, who))}, who
    for who in ("zhujian", "deputy"):
        assert "liaison" not in {e["key"] for e in nav.items_for(getattr(cast, who))}, who
    people = next(n for n in nav.menu(nav.items_for(cast.staff)) if n.get("section") == "people")
    assert reverse("liaison:index") in people["urls"]


def test_a_deputy_who_is_also_a_member_gets_both_menus_and_their_own_page(login, cast, term):
    both = user_create(username="both", password=PASSWORD, full_name="吴代表", roles=[Role.DEPUTY,
                                                                                      Role.COMMITTEE_MEMBER])
    factories.MandateFactory(term=term, deputy__name="吴代表", deputy__user=both)
    link_of(cast, both, cast.deputy)
    from core import nav

    keys = {e["key"] for e in nav.items_for(both)}
    assert {"liaison", "items_mine"} <= keys
    client = login(both)
    assert client.get(reverse("liaison:index"))["Location"] == reverse("liaison:mine")
    assert "刘芳" in client.get(reverse("liaison:mine")).content.decode()
