import io

import pytest

from deputies.choices import Level, MandateStatus
from deputies.models import Deputy, DeputyHome, Mandate
from groups.choices import GroupKind, MemberRole
from groups.models import DeputyGroup

pytestmark = pytest.mark.django_db


def seed():
    """The seed_demo steps up to the accounts (later apps' demo data is theirs to test)."""
    from accounts import demo as accounts_demo
    from areas import demo as areas_demo
    from deputies import demo as deputies_demo
    from groups import demo as groups_demo
    from units import demo as units_demo

    for module in (areas_demo, units_demo, deputies_demo, groups_demo, accounts_demo):
        module.seed(io.StringIO())


def test_seed_demo_builds_the_xiangshan_roster_once():
    seed()
    in_office = Mandate.objects.filter(status=MandateStatus.IN_OFFICE)
    assert in_office.filter(term__level=Level.CITY).count() == 73
    assert in_office.filter(term__level=Level.DISTRICT).count() == 219
    assert in_office.filter(term__level=Level.TOWN).count() == 73
    two = [d for d in Deputy.objects.prefetch_related("mandates") if d.mandates.count() == 2]
    assert len(two) == 28 and Deputy.objects.count() == 365 - 28
    assert DeputyGroup.objects.filter(kind=GroupKind.CITY).count() == 4
    assert DeputyGroup.objects.filter(kind=GroupKind.DISTRICT_TOWN).count() == 17
    assert not DeputyGroup.objects.exclude(memberships__role=MemberRole.LEADER).exists()
    assert DeputyGroup.objects.filter(name="市人大第十三代表小组", contact_organs__isnull=False).exists()
    assert DeputyHome.objects.count() == 13
    deputy = Deputy.objects.get(user__username="deputy")
    assert deputy.mandates.filter(area__name="东山街道").exists()
    assert Deputy.objects.get(user__username="zuzhang").memberships.filter(role=MemberRole.LEADER).exists()
    counts = (Deputy.objects.count(), Mandate.objects.count(), DeputyGroup.objects.count(), Deputy.history.count())
    seed()
    assert (Deputy.objects.count(), Mandate.objects.count(), DeputyGroup.objects.count(),
            Deputy.history.count()) == counts
