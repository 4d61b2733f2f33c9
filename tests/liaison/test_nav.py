"""The menu of a committee member: 双联, and not the 社情民意 work list, which would list nothing for them
(the items they enter through 双联 are followed on the contact page); its URL is refused."""

import pytest
from django.urls import reverse

from core import nav

pytestmark = pytest.mark.django_db


def test_a_member_gets_liaison_and_not_the_item_list(login, cast):
    keys = {entry["key"] for entry in nav.items_for(cast.member)}
    assert "liaison" in keys and "items_all" not in keys
    assert login(cast.member).get(reverse("petitions:list")).status_code == 403
    assert "items_all" in {entry["key"] for entry in nav.items_for(cast.staff)}
