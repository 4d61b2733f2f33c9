"""The 双联 services: the register's rules, contact validation, and the one-step conversion of an opinion
into an opinion item on the deputy's behalf (petitions' own door, once)."""

import datetime

import pytest
from django.contrib.auth.models import Group

from accounts.choices import Role
from accounts.models import User
from accounts.services import user_create
from deputies.models import CongressTerm
from liaison import services
from liaison.models import Contact, Link, Opinion
from petitions.choices import Action, State
from petitions.models import Item, ItemEvent
from tests.personas import PASSWORD

from .conftest import contact_of, link_of

pytestmark = pytest.mark.django_db


# --- The register ------------------------------------------------------------------------------


def test_it_links_a_member_with_a_deputy_and_keeps_who_did_it(cast, term):
    link = link_of(cast, cast.member, cast.deputy)
    assert (link.member, link.deputy, link.term, link.since, link.active) == (
        cast.member, cast.deputy.deputy, term, datetime.date(2026, 1, 5), True)
    assert link.history.get().history_user == cast.staff


def test_a_deputy_may_be_linked_to_several_members(cast):
    link_of(cast, cast.member, cast.deputy)
    link_of(cast, cast.other_member, cast.deputy)
    assert Link.objects.filter(deputy=cast.deputy.deputy, active=True).count() == 2


@pytest.mark.parametrize("who", ["dongshan_staff", "leader", "member", "deputy", "zhujian"])
def test_only_district_staff_keep_the_register(cast, term, who):
    with pytest.raises(services.NotAllowed, match="只有区人大工作人员"):
        services.link_create(actor=getattr(cast, who), member=cast.member, deputy=cast.deputy.deputy, term=term)
    assert not Link.objects.exists()


def test_it_links_only_committee_members(cast, term):
    with pytest.raises(services.LoopError, match="不是常委会组成人员"):
        services.link_create(actor=cast.staff, member=cast.leader, deputy=cast.deputy.deputy, term=term)


def test_it_links_only_a_deputy_in_office_in_the_term(cast):
    other = CongressTerm.objects.create(level="district", number=11, is_current=False)
    with pytest.raises(services.LoopError, match="刘芳在.*没有在任的代表资格"):
        services.link_create(actor=cast.staff, member=cast.member, deputy=cast.deputy.deputy, term=other)


def test_it_refuses_linking_a_member_with_themselves(cast, term):
    cast.deputy.groups.add(Group.objects.get(name=Role.COMMITTEE_MEMBER))
    both = User.objects.get(pk=cast.deputy.pk)  # 刘芳, a deputy who is also a committee member
    with pytest.raises(services.LoopError, match="不能与本人结对"):
        services.link_create(actor=cast.staff, member=both, deputy=cast.deputy.deputy, term=term)


def test_it_refuses_a_second_active_link_and_relinks_an_ended_one(cast, term):
    link = link_of(cast, cast.member, cast.deputy)
    with pytest.raises(services.LoopError, match="已结对"):
        link_of(cast, cast.member, cast.deputy)
    services.link_end(actor=cast.staff, link=link)
    again = link_of(cast, cast.member, cast.deputy, since=datetime.date(2026, 6, 1))
    assert again.pk == link.pk and again.active and again.ended_on is None and Link.objects.count() == 1
    assert link.history.count() == 3


def test_it_ends_a_link_once_and_then_takes_no_contact(cast, links):
    ended = services.link_end(actor=cast.staff, link=links["liu"])
    assert (ended.active, ended.ended_on) == (False, datetime.date(2026, 11, 26))
    with pytest.raises(services.LoopError, match="已结束"):
        services.link_end(actor=cast.staff, link=links["liu"])
    with pytest.raises(services.LoopError, match="已结束,不能再记录联系"):
        contact_of(cast, links["liu"])
    with pytest.raises(services.NotAllowed):
        services.link_end(actor=cast.dongshan_staff, link=links["zhang"])


# --- Contacts ----------------------------------------------------------------------------------


def test_a_member_records_a_contact_with_the_opinions_heard(cast, links):
    contact = contact_of(cast, links["liu"], opinions=["路灯不亮", "  ", "垃圾清运不及时"])
    assert (contact.kind, contact.created_by, contact.link.deputy) == ("visit", cast.member, cast.deputy.deputy)
    assert list(contact.opinions.values_list("text", flat=True)) == ["路灯不亮", "垃圾清运不及时"]
    assert contact.history.get().history_user == cast.member


def test_district_staff_record_on_a_members_behalf(cast, links):
    contact = contact_of(cast, links["liu"], actor=cast.staff)
    assert contact.created_by == cast.staff and contact.link.member == cast.member


@pytest.mark.parametrize("who", ["other_member", "leader", "dongshan_staff", "deputy", "zhujian"])
def test_nobody_else_records_a_members_contact(cast, links, who):
    with pytest.raises(services.NotAllowed):
        contact_of(cast, links["liu"], actor=getattr(cast, who))
    assert not Contact.objects.exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"date": datetime.date(2026, 11, 27)}, "联系日期不能晚于今天"),
    ({"date": datetime.date(1999, 12, 31)}, "请填写正确的联系日期"),
    ({"date": "2026-11-01"}, "请填写联系日期"),
    ({"heard": "   "}, "请填写听取的情况"),
    ({"heard": "很" * 5001}, "听取的情况过长.最多 5000 字"),
    ({"kind": "letter"}, "请选择联系方式"),
    ({"place": "地" * 101}, "地点过长"),
    ({"opinions": ["好", "很" * 1001]}, "第 2 条意见过长"),
    ({"opinions": [f"意见{i}" for i in range(21)]}, "最多记录 20 条意见"),
])
def test_it_refuses_a_bad_contact_in_chinese_and_writes_nothing(cast, links, fields, message):
    with pytest.raises(services.LoopError, match=message):
        contact_of(cast, links["liu"], **fields)
    assert not Contact.objects.exists() and not Opinion.objects.exists()


# --- One step to an opinion item ---------------------------------------------------------------


def test_it_converts_an_opinion_into_a_submitted_item_on_the_deputys_behalf(cast, links,
                                                                             django_capture_on_commit_callbacks):
    from notifications.models import Notification

    opinion = contact_of(cast, links["liu"]).opinions.first()
    with django_capture_on_commit_callbacks(execute=True):
        services.opinion_convert(opinion=opinion, actor=cast.member, category="urban")
    opinion.refresh_from_db()
    item = Item.objects.get()
    assert opinion.item == item and opinion.converted_by == cast.member
    assert (item.deputy, item.state, item.entered_by, item.on_behalf, item.category, item.area.name, item.source) == (
        cast.deputy.deputy, State.SUBMITTED, cast.member, True, "urban", "东山街道", "other")
    assert item.title.startswith("双联:3号楼加装电梯") and "3号楼加装电梯资金分摊方案未定" in item.content
    assert "钱主任于 2026-11-10 走访联系代表时听取" in item.content
    created = ItemEvent.objects.get(item=item, action=Action.CREATE)
    assert created.actor == cast.member and created.comment == "钱主任 通过双联代代表录入"
    assert ItemEvent.objects.filter(item=item, action=Action.SUBMIT, actor=cast.member).exists()
    # 研处 starts with the area staff of the deputy's area, as for any item.
    assert Notification.objects.filter(recipient=cast.dongshan_staff, subject=f"item:{item.pk}").exists()


def test_a_second_conversion_is_refused_cleanly(cast, links):
    opinion = contact_of(cast, links["liu"]).opinions.first()
    services.opinion_convert(opinion=opinion, actor=cast.member)
    with pytest.raises(services.LoopError, match=r"已转为社情民意.编号 SQ2026-\d{6}.,未重复录入"):
        services.opinion_convert(opinion=opinion, actor=cast.member)
    with pytest.raises(services.LoopError, match="未重复录入"):
        services.opinion_convert(opinion=opinion, actor=cast.staff)
    assert Item.objects.count() == 1


def test_district_staff_may_convert_too(cast, links):
    opinion = contact_of(cast, links["zhao"]).opinions.first()
    services.opinion_convert(opinion=opinion, actor=cast.staff, title="关于任圩街道加装电梯的建议")
    item = Item.objects.get()
    assert (item.deputy, item.title, item.area.name) == (cast.renwei_deputy.deputy, "关于任圩街道加装电梯的建议", "任圩街道")
    assert ItemEvent.objects.get(item=item, action=Action.CREATE).comment == "李明 通过双联代代表录入"


@pytest.mark.parametrize("who", ["other_member", "deputy", "dongshan_staff", "zhujian"])
def test_someone_not_linked_to_the_deputy_may_not_convert(cast, links, who):
    opinion = contact_of(cast, links["liu"]).opinions.first()
    with pytest.raises(services.NotAllowed):
        services.opinion_convert(opinion=opinion, actor=getattr(cast, who))
    assert not Item.objects.exists() and Opinion.objects.get(pk=opinion.pk).item is None


def test_the_read_only_leader_may_not_convert(cast, links):
    opinion = contact_of(cast, links["liu"]).opinions.first()
    with pytest.raises(services.NotAllowed, match="领导账号只能查看"):
        services.opinion_convert(opinion=opinion, actor=cast.leader)
    assert not Item.objects.exists()


def test_a_member_whose_link_ended_may_no_longer_convert(cast, links):
    opinion = contact_of(cast, links["liu"]).opinions.first()
    services.link_end(actor=cast.staff, link=links["liu"])
    with pytest.raises(services.NotAllowed, match="没有有效的双联关系"):
        services.opinion_convert(opinion=opinion, actor=cast.member)


def test_a_leader_who_is_also_a_committee_member_records_and_converts(cast, term):
    both = user_create(username="wang2", password=PASSWORD, full_name="王副主任",
                       roles=[Role.LEADER, Role.COMMITTEE_MEMBER])
    assert not both.is_read_only
    link = link_of(cast, both, cast.deputy)
    opinion = contact_of(cast, link).opinions.first()
    services.opinion_convert(opinion=opinion, actor=both)
    assert Item.objects.get().entered_by == both


def test_the_member_is_not_sent_item_notifications_they_could_not_open(cast, links,
                                                                       django_capture_on_commit_callbacks):
    from notifications.models import Notification
    from petitions import workflow

    opinion = contact_of(cast, links["liu"]).opinions.first()
    services.opinion_convert(opinion=opinion, actor=cast.member)
    item = Item.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_return_for_detail(item=item, actor=cast.dongshan_staff, comment="请补充具体楼栋")
    assert Notification.objects.filter(recipient=cast.deputy, subject=f"item:{item.pk}").exists()
    assert not Notification.objects.filter(recipient=cast.member).exists()
