"""Assessment rules on 代表建议 (issue 11): 领衔, 附议 and the A/B-class counts of the year's registered
suggestions, scored like any other basis and opened from the score page."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments import services
from assessments.choices import RuleBasis
from assessments.forms import RuleForm
from assessments.models import AssessmentRule, AssessmentScore, GradeLevel
from suggestions.choices import State
from tests.suggestions.helpers import make

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2026


def _rules():
    AssessmentRule.objects.all().delete()
    GradeLevel.objects.all().delete()
    for i, (name, basis, points, max_count) in enumerate([
        ("领衔建议", RuleBasis.SUGGESTION_LED, "3", 1), ("附议建议", RuleBasis.SUGGESTION_COSIGNED, "1", None),
        ("A 类建议", RuleBasis.SUGGESTION_A, "2", None), ("B 类建议", RuleBasis.SUGGESTION_B, "1", None),
    ]):
        AssessmentRule.objects.create(name=name, basis=basis, points=D(points), max_count=max_count, sort=i)
    GradeLevel.objects.create(name="称职", min_score=D("1"), sort=0)
    GradeLevel.objects.create(name="不称职", min_score=D("0"), sort=1)


def test_suggestion_bases_score_led_cosigned_and_classes_of_the_year(login, cast):
    _rules()
    b = make(cast, State.CONCLUDED, reply_class="B", confirmed=True)  # 刘芳 leads, 张伟 confirms
    a = make(cast, State.REVIEW, reply_class="A", title="关于增设社区养老服务站的建议")  # 张伟 never confirms
    make(cast, State.DRAFT, title="关于整治背街小巷的建议")  # not registered: not counted
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        make(cast, State.REVIEW, reply_class="A", title="上一年的建议", confirmed=True)  # registered in 2025
    assessment = services.assessment_compute(year=YEAR, actor=cast.staff)

    def parts(user):
        score = AssessmentScore.objects.get(assessment=assessment, deputy=user.deputy)
        return score, {p.rule_name: (p.count, p.counted, p.points, sorted(p.record_ids)) for p in score.parts.all()}

    liu, liu_parts = parts(cast.deputy)
    assert liu_parts == {"领衔建议": (2, 1, D("3"), sorted([a.pk, b.pk])), "附议建议": (0, 0, D("0"), []),
                         "A 类建议": (1, 1, D("2"), [a.pk]), "B 类建议": (1, 1, D("1"), [b.pk])}
    assert liu.total == D("6")
    zhang, zhang_parts = parts(cast.group_leader)
    assert zhang_parts["附议建议"] == (1, 1, D("1"), [b.pk]) and zhang_parts["领衔建议"][0] == 0
    assert zhang.total == D("1")

    part = liu.parts.get(rule_name="领衔建议")
    response = login(cast.staff).get(reverse("assessments:part", args=[YEAR, liu.pk, part.pk]))
    assert response.status_code == 200 and response.context["kind"] == "suggestions"
    assert {s.pk for s in response.context["records"]} == {a.pk, b.pk}
    assert "关于增设社区养老服务站的建议" in response.content.decode()


def test_a_suggestion_rule_takes_no_activity_kind():
    form = RuleForm(data={"name": "领衔建议", "basis": RuleBasis.SUGGESTION_LED, "activity_kind": "research",
                          "points": "3", "sort": "0", "is_active": "on"})
    assert not form.is_valid() and "代表建议规则不需要选择活动类型。" in form.errors["activity_kind"]
    form = RuleForm(data={"name": "领衔建议", "basis": RuleBasis.SUGGESTION_LED, "activity_kind": "",
                          "points": "3", "sort": "0", "is_active": "on"})
    assert form.is_valid(), form.errors
