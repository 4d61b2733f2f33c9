"""A known year of records for scoring tests (2026), built through the real services."""

import datetime
from decimal import Decimal

from activities.choices import ActivityKind, AttendanceStatus
from assessments.choices import RuleBasis
from assessments.models import AssessmentRule, GradeLevel
from petitions import workflow
from petitions.choices import State
from tests.activities.factories import activity_with
from tests.petitions.helpers import make, new_item

YEAR = 2026
D = Decimal


def rules():
    AssessmentRule.objects.all().delete()
    GradeLevel.objects.all().delete()
    for i, (name, basis, kind, points, max_count, max_points) in enumerate([
        ("提交社情民意", RuleBasis.ITEM_SUBMITTED, "", "2", 12, None),
        ("办结满意", RuleBasis.ITEM_SATISFIED, "", "1", None, "10"),
        ("调研视察", RuleBasis.ACTIVITY, ActivityKind.RESEARCH, "3", None, "6"),
        ("学习培训", RuleBasis.ACTIVITY, ActivityKind.TRAINING, "2", None, None),
        ("无故缺席", RuleBasis.ABSENCE, "", "-2", None, "4"),
    ]):
        AssessmentRule.objects.create(name=name, basis=basis, activity_kind=kind, points=D(points),
                                      max_count=max_count, max_points=D(max_points) if max_points else None, sort=i)
    for i, (name, low, capped) in enumerate([("优秀", "20", True), ("称职", "10", False), ("基本称职", "5", False),
                                             ("不称职", "0", False)]):
        GradeLevel.objects.create(name=name, min_score=D(low), sort=i, is_capped=capped)


def month(m, year=YEAR):
    return datetime.date(year, m, 1)


def records(cast):
    """刘芳 (cast.deputy): 13 items in 2026 (12 count), one concluded 满意, one withdrawn, one in 2025;
    3 research visits attended (capped at 6 points), 1 training, 1 leave, 3 absences (capped at -4)
    → 24 + 1 + 6 + 2 − 4 = 29. 张伟: one training → 2. 赵强: nothing → 0."""
    liu, zhang = cast.deputy.deputy, cast.group_leader.deputy
    make(cast, State.CLOSED, period=month(1))
    for m in range(1, 13):
        new_item(cast, title=f"第{m}月社情民意", period=month(m))
    withdrawn = new_item(cast, title="撤回的", period=month(3))
    workflow.item_withdraw(item=withdrawn, actor=cast.deputy)
    new_item(cast, title="上一年的", period=month(12, YEAR - 1))
    for d in (3, 4, 5):
        activity_with(liu, kind=ActivityKind.RESEARCH, date=datetime.date(YEAR, d, 10))
    activity_with(liu, zhang, kind=ActivityKind.TRAINING, date=datetime.date(YEAR, 2, 1))
    activity_with(liu, kind=ActivityKind.RESEARCH, date=datetime.date(YEAR, 6, 1), status=AttendanceStatus.LEAVE)
    for d in (7, 8, 9):
        activity_with(liu, kind=ActivityKind.SUPERVISION, date=datetime.date(YEAR, d, 1), status=AttendanceStatus.ABSENT)
    activity_with(liu, kind=ActivityKind.RESEARCH, date=datetime.date(YEAR - 1, 6, 1))
