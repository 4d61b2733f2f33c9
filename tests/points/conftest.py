"""Fixtures of the points tests: activities with attendance in a past quarter, and a rule set."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from activities.models import Activity, Attendance
from areas.models import Area
from points.models import PointRule
from points.services import rules_install_defaults

# The smallest valid PNG: the content check sniffs the bytes, not the name.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def photo(name="培训现场.png"):
    f = SimpleUploadedFile(name, PNG, content_type="image/png")
    f.xs_content_type = "image/png"
    return f


@pytest.fixture
def rules(db):
    rules_install_defaults()
    return {r.name: r for r in PointRule.objects.all()}


@pytest.fixture
def q3(cast):
    """In 2026 Q3: 刘芳 attends two research trips and misses a group activity without leave; 张伟 attends one."""
    dongshan = Area.objects.get(name="东山街道")
    deputy, leader = cast.deputy.deputy, cast.group_leader.deputy
    acts = [Activity.objects.create(kind=kind, title=title, date=datetime.date(2026, 8, d), organiser_area=dongshan)
            for kind, title, d in (("research", "老旧小区改造调研", 5), ("research", "背街小巷整治视察", 12),
                                   ("group", "小组集中活动", 20))]
    Attendance.objects.create(activity=acts[0], deputy=deputy, status="attended")
    Attendance.objects.create(activity=acts[1], deputy=deputy, status="attended")
    Attendance.objects.create(activity=acts[2], deputy=deputy, status="absent")
    Attendance.objects.create(activity=acts[0], deputy=leader, status="attended")
    return acts


def points_of(snapshot, deputy):
    return {line.rule_name: line.points for line in snapshot.lines.filter(deputy=deputy)}


TWO = Decimal("2")
