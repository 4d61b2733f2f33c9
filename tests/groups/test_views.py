"""Group pages: access, scoping, members and roles, contacts, the monthly-figures placeholder, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import Area
from deputies.models import Deputy
from groups.choices import MemberRole
from groups.models import DeputyGroup, GroupMembership, StateOrgan
from tests import factories
from tests.access import ViewAccessCases

pytestmark = pytest.mark.django_db


def dongshan_group():
    return DeputyGroup.objects.get(name="东山街道区人大代表小组")


class TestGroupListAccess(ViewAccessCases):
    allowed = ("admin", "staff", "dongshan_staff", "leader", "deputy", "group_leader")
    forbidden = ("zhujian",)

    def url(self, cast):
        return reverse("groups:list")


class TestGroupDetailAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "leader", "deputy", "group_leader")
    out_of_scope = ("renwei_staff", "renwei_deputy", "zhujian")

    def url(self, cast):
        return reverse("groups:detail", args=[dongshan_group().pk])


class TestGroupEditAccess(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff",)
    forbidden = ("leader", "deputy", "group_leader")

    def url(self, cast):
        return reverse("groups:edit", args=[dongshan_group().pk])


class TestMemberSetAccess(ViewAccessCases):
    method = "post"
    allowed = ("staff", "dongshan_staff")
    out_of_scope = ("renwei_staff", "renwei_deputy", "zhujian")
    forbidden = ("leader", "deputy", "group_leader")

    def url(self, cast):
        return reverse("groups:member_set", args=[dongshan_group().pk])

    def data(self, cast):
        # A refused add shows the page again (400); in scope, a deputy who fits the group is added.
        newcomer = factories.MandateFactory(deputy=factories.DeputyFactory()).deputy
        return {"deputy": newcomer.pk, "role": MemberRole.MEMBER}


class TestMemberRoleAccess(TestMemberSetAccess):
    def url(self, cast):
        membership = GroupMembership.objects.get(deputy__user=cast.deputy)
        return reverse("groups:member_role", args=[membership.group_id, membership.pk])

    def data(self, cast):
        return {"role": MemberRole.DEPUTY_LEADER}


class TestMemberRemoveAccess(TestMemberSetAccess):
    allowed = ("dongshan_staff",)  # one removal: the membership is gone afterwards

    def url(self, cast):
        membership = GroupMembership.objects.get(deputy__user=cast.deputy)
        return reverse("groups:member_remove", args=[membership.group_id, membership.pk])


class TestMyGroupAccess(ViewAccessCases):
    allowed = ("group_leader",)
    forbidden = ("deputy", "staff")

    def url(self, cast):
        return reverse("groups:mine")


def test_my_group_takes_a_leader_to_the_group_they_lead(login, cast):
    response = login(cast.group_leader).get(reverse("groups:mine"))
    assert response["Location"] == reverse("groups:detail", args=[dongshan_group().pk])


def test_the_group_page_shows_members_with_roles_contacts_and_a_place_for_monthly_figures(login, cast):
    group = dongshan_group()
    group.contact_areas.set([Area.objects.get(name="周庄社区")])
    group.contact_organs.set([StateOrgan.objects.create(name="市财政局")])
    group.liaison_user = cast.dongshan_staff
    group.save()
    page = login(cast.deputy).get(reverse("groups:detail", args=[group.pk])).content.decode()
    page = page[page.index('data-testid="members"'):]
    assert page.index("张伟") < page.index("刘芳")  # the leader first
    assert "组长" in page and "东山街道周庄社区" in page and "市财政局" in page and "周敏" in page
    assert 'data-section="monthly"' in page
    assert "13805612345" not in page and "138****2345" in page


def test_staff_change_a_role_add_and_remove_members(login, cast):
    group = dongshan_group()
    client = login(cast.dongshan_staff)
    liu = GroupMembership.objects.get(deputy__user=cast.deputy)
    client.post(reverse("groups:member_role", args=[group.pk, liu.pk]), {"role": MemberRole.DEPUTY_LEADER})
    liu.refresh_from_db()
    assert liu.role == MemberRole.DEPUTY_LEADER
    assert liu.history.latest("history_date").history_user == cast.dongshan_staff
    newcomer = factories.MandateFactory(deputy=factories.DeputyFactory(name="新成员")).deputy
    client.post(reverse("groups:member_set", args=[group.pk]), {"deputy": newcomer.pk, "role": MemberRole.MEMBER})
    assert group.memberships.filter(deputy=newcomer).exists()
    # A deputy of another area is not offered and cannot be posted in.
    zhao = Deputy.objects.get(user=cast.renwei_deputy)
    client.post(reverse("groups:member_set", args=[group.pk]), {"deputy": zhao.pk, "role": MemberRole.MEMBER})
    assert not group.memberships.filter(deputy=zhao).exists()
    response = client.post(reverse("groups:member_role", args=[group.pk, liu.pk]), {"role": "boss"})
    assert response.status_code == 302 and GroupMembership.objects.get(pk=liu.pk).role == MemberRole.DEPUTY_LEADER
    client.post(reverse("groups:member_remove", args=[group.pk, liu.pk]))
    assert not GroupMembership.objects.filter(pk=liu.pk).exists()


def test_the_group_list_runs_a_fixed_number_of_queries(login, cast):
    client = login(cast.staff)
    client.get(reverse("groups:list"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("groups:list")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(10):
        membership = factories.GroupMembershipFactory(role=MemberRole.LEADER)
        membership.group.contact_areas.set([Area.objects.get(name="周庄社区")])
        del i
    assert count() == before


def test_area_staff_see_only_their_areas_groups(login, cast):
    factories.DeputyGroupFactory(name="任圩街道第一代表小组", area=Area.objects.get(name="任圩街道"))
    page = login(cast.dongshan_staff).get(reverse("groups:list")).content.decode()
    assert "东山街道区人大代表小组" in page and "任圩街道第一代表小组" not in page
