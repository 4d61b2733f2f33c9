import io

import pytest

from liaison import demo
from liaison.models import Contact, Link, Opinion
from petitions.models import Item

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_two_members_six_deputies_and_one_converted_opinion_once():
    from accounts import demo as accounts_demo
    from accounts.models import User
    from areas import demo as areas_demo
    from deputies import demo as deputies_demo
    from groups import demo as groups_demo
    from units import demo as units_demo

    for module in (areas_demo, units_demo, deputies_demo, groups_demo, accounts_demo):
        module.seed(io.StringIO())
    demo.seed(io.StringIO())
    qian = User.objects.get(username="changwei")
    assert qian.full_name.startswith("钱主任") and qian.check_password(accounts_demo.DEMO_PASSWORD)
    assert qian.has_role("committee_member")
    assert Link.objects.filter(member=qian, active=True).count() == 6
    assert set(Link.objects.filter(member=qian).values_list("term__level", flat=True)) == {"district"}
    assert Contact.objects.filter(link__member=qian).count() == len(demo.CONTACTS)
    assert Opinion.objects.filter(item__isnull=False).count() == 1 == Item.objects.count()
    counts = (Link.objects.count(), Contact.objects.count(), Opinion.objects.count(), Item.objects.count())
    demo.seed(io.StringIO())
    assert (Link.objects.count(), Contact.objects.count(), Opinion.objects.count(), Item.objects.count()) == counts
