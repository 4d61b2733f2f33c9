"""Who sees which 双联 rows (the one `visible_to` of links, contacts and opinions) and who may record."""

import pytest

from liaison.models import Contact, Link, Opinion

from .conftest import contact_of

pytestmark = pytest.mark.django_db

ALL = {"liu", "zhao", "zhang"}


@pytest.mark.parametrize(("who", "seen"), [
    ("admin", ALL), ("staff", ALL), ("leader", ALL),
    ("member", {"liu", "zhao"}), ("other_member", {"zhang"}),
    ("dongshan_staff", {"liu", "zhang"}), ("renwei_staff", {"zhao"}),
    ("deputy", {"liu"}), ("group_leader", {"zhang"}), ("renwei_deputy", {"zhao"}),
    ("zhujian", set()), ("huanbao", set()),
])
def test_each_persona_sees_the_links_contacts_and_opinions_of_their_scope(cast, links, who, seen):
    contacts = {name: contact_of(cast, link) for name, link in links.items()}
    user = getattr(cast, who)
    link_names = {name for name, link in links.items() if Link.objects.visible_to(user).filter(pk=link.pk).exists()}
    contact_names = {name for name, c in contacts.items() if Contact.objects.visible_to(user).filter(pk=c.pk).exists()}
    opinion_names = {name for name, c in contacts.items()
                     if Opinion.objects.visible_to(user).filter(contact=c).count() == 2}
    assert link_names == contact_names == opinion_names == seen
    assert Opinion.objects.visible_to(user).count() == 2 * len(seen)


def test_area_staff_scope_follows_the_mandate_of_the_links_term(cast, links):
    """A deputy who moves to 任圩街道 in the term moves to the 任圩 staff's register."""
    from areas.models import Area

    cast.deputy.deputy.mandates.update(area=Area.objects.get(name="任圩街道"))
    assert not Link.objects.visible_to(cast.dongshan_staff).filter(pk=links["liu"].pk).exists()
    assert Link.objects.visible_to(cast.renwei_staff).filter(pk=links["liu"].pk).exists()


def test_anonymous_users_see_nothing(cast, links):
    from django.contrib.auth.models import AnonymousUser

    assert not Link.objects.visible_to(AnonymousUser()).exists()
    assert not Contact.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize(("who", "recordable"), [
    ("staff", ALL), ("admin", ALL), ("member", {"liu", "zhao"}), ("other_member", {"zhang"}),
    ("leader", set()), ("dongshan_staff", set()), ("deputy", set()), ("zhujian", set()),
])
def test_members_record_their_own_links_and_district_staff_any(cast, links, who, recordable):
    user = getattr(cast, who)
    assert {n for n, link in links.items() if Link.objects.recordable_by(user).filter(pk=link.pk).exists()} == recordable
