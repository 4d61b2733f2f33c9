"""Small factory_boy factories for what the personas do not cover."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from areas.models import Area
from deputies.choices import Level, MandateStatus
from deputies.models import CongressTerm, Deputy, Mandate
from groups.choices import GroupKind
from groups.models import DeputyGroup, GroupMembership
from units.models import HandlingUnit


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


class HandlingUnitFactory(DjangoModelFactory):
    class Meta:
        model = HandlingUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试承办单位{n}")


class CongressTermFactory(DjangoModelFactory):
    class Meta:
        model = CongressTerm
        django_get_or_create = ("level", "number")

    level = Level.DISTRICT
    number = 12


class DeputyFactory(DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Sequence(lambda n: f"代表{n}")


class MandateFactory(DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DeputyFactory)
    term = factory.SubFactory(CongressTermFactory)
    area = factory.LazyFunction(lambda: Area.objects.get(name="东山街道"))
    status = MandateStatus.IN_OFFICE


class DeputyGroupFactory(DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    name = factory.Sequence(lambda n: f"第{n}代表小组")
    kind = GroupKind.DISTRICT_TOWN


class GroupMembershipFactory(DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(DeputyGroupFactory)
    deputy = factory.SubFactory(DeputyFactory)
