"""Factories for activities tests."""

import datetime

import factory
from factory.django import DjangoModelFactory

from activities.choices import ActivityKind, AttendanceStatus
from activities.models import Activity, Attendance
from areas.models import Area


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.RESEARCH
    title = factory.Sequence(lambda n: f"调研活动{n}")
    date = datetime.date(2026, 3, 10)
    organiser_area = factory.LazyFunction(lambda: Area.objects.get(name="东山街道"))


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    status = AttendanceStatus.ATTENDED


def activity_with(*deputies, status=AttendanceStatus.ATTENDED, **kwargs):
    activity = ActivityFactory(**kwargs)
    for d in deputies:
        AttendanceFactory(activity=activity, deputy=d, status=status)
    return activity
