"""A refused 添加成员 shows the group page again with the form's errors (no redirect, nothing added)."""

import pytest
from django.urls import reverse

from deputies.models import Deputy
from groups.choices import MemberRole
from groups.models import DeputyGroup

pytestmark = pytest.mark.django_db


def test_a_refused_member_add_shows_the_page_with_the_error_and_the_role_chosen(login, cast):
    group = DeputyGroup.objects.get(name="东山街道区人大代表小组")
    zhao = Deputy.objects.get(user=cast.renwei_deputy)  # another area: not offered, cannot be posted in
    before = group.memberships.count()
    response = login(cast.dongshan_staff).post(reverse("groups:member_set", args=[group.pk]),
                                               {"deputy": zhao.pk, "role": MemberRole.DEPUTY_LEADER})
    body = response.content.decode()
    assert response.status_code == 400 and 'data-testid="member-errors"' in body and "未能添加成员" in body
    assert f'<option value="{MemberRole.DEPUTY_LEADER}" selected>' in body
    assert group.memberships.count() == before
