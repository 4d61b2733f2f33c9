"""Group pages: access, scoping, members and roles, contacts, the monthly submission grid, queries."""

import datetime
import re

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
from tests.dashboards.builders import make_item

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


def test_the_group_page_shows_members_with_roles_and_contacts(login, cast):
    group = dongshan_group()
    group.contact_areas.set([Area.objects.get(name="周庄社区")])
    group.contact_organs.set([StateOrgan.objects.create(name="市财政局")])
    group.liaison_user = cast.dongshan_staff
    group.save()
    page = login(cast.deputy).get(reverse("groups:detail", args=[group.pk])).content.decode()
    page = page[page.index('data-testid="members"'):]
    assert page.index("张伟") < page.index("刘芳")  # the leader first
    assert "组长" in page and "东山街道周庄社区" in page and "市财政局" in page and "周敏" in page
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


def monthly_cells(html: str, name: str) -> list[tuple[str, str]]:
    grid = html[html.index('data-section="monthly"'):]
    row = grid[grid.index(f'<td class="text-nowrap">{name}</td>'):]
    return re.findall(r'data-status="(\w+)">([^<]*)</td>', row[:row.index("</tr>")])


def test_the_group_page_shows_its_members_by_month_from_the_dashboards_grid(login, cast):
    liu = Deputy.objects.get(user=cast.deputy)
    make_item(liu, submitted=datetime.date(2026, 3, 9), period=datetime.date(2026, 3, 1))
    make_item(liu, submitted=datetime.date(2026, 3, 20), period=datetime.date(2026, 3, 1))
    make_item(Deputy.objects.get(user=cast.renwei_deputy), submitted=datetime.date(2026, 4, 9))
    page = login(cast.deputy).get(reverse("groups:detail", args=[dongshan_group().pk])).content.decode()
    assert "本组成员每月社情民意报送情况将在这里显示" not in page  # the placeholder is gone
    grid = page[page.index('data-section="monthly"'):]
    assert "月度报送情况" in page and 'data-testid="grid"' in grid
    assert "刘芳" in grid and "张伟" in grid and "赵强" not in grid  # the group's members only
    cells = monthly_cells(page, "刘芳")
    assert cells[2] == ("done", "2") and cells[1] == ("missed", "✗")
    assert cells[10] == ("running", "进行中") and cells[11] == ("future", "")  # today is 26 November
    assert monthly_cells(page, "张伟")[10] == ("running", "进行中")
    assert 'data-testid="group-grid-link"' not in page  # a member has no dashboards


def test_the_group_grid_links_the_full_grid_for_its_leader_and_staff(login, cast):
    group = dongshan_group()
    for user in (cast.group_leader, cast.dongshan_staff):
        page = login(user).get(reverse("groups:detail", args=[group.pk])).content.decode()
        assert f'{reverse("dashboards:submissions")}?year=2026&group={group.pk}' in page


def test_the_group_page_runs_a_fixed_number_of_queries(login, cast):
    group = dongshan_group()
    client = login(cast.staff)
    url = reverse("groups:detail", args=[group.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)
    before = count()
    for i in range(8):
        deputy = factories.MandateFactory(deputy=factories.DeputyFactory(name=f"新成员{i}")).deputy
        factories.GroupMembershipFactory(group=group, deputy=deputy, role=MemberRole.MEMBER)
        make_item(deputy, submitted=datetime.date(2026, 1 + i, 5))
    assert count() == before
