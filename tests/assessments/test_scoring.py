import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from activities.choices import ActivityKind, AttendanceStatus
from activities.models import Attendance
from assessments import services
from assessments.choices import RuleBasis
from assessments.models import Assessment, AssessmentScore
from assessments.services import AssessmentError, grade_scores
from petitions.choices import Satisfaction, State
from petitions.models import Item
from tests.activities.factories import activity_with
from tests.petitions.helpers import new_item

from . import fixtures
from .fixtures import YEAR

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def scored(cast):
    fixtures.rules()
    fixtures.records(cast)
    return services.assessment_compute(year=YEAR, actor=cast.staff)


def score_of(assessment, user):
    return AssessmentScore.objects.get(assessment=assessment, deputy=user.deputy)


def test_it_scores_a_known_fixture_rule_by_rule(cast, scored):
    liu = score_of(scored, cast.deputy)
    parts = {p.rule_name: (p.count, p.counted, p.points) for p in liu.parts.all()}
    assert parts == {
        "提交社情民意": (13, 12, D("24")),
        "办结满意": (1, 1, D("1")),
        "调研视察": (3, 3, D("6")),
        "学习培训": (1, 1, D("2")),
        "无故缺席": (3, 3, D("-4")),
    }
    assert liu.total == D("29") and liu.grade == "优秀" and liu.rank == 1
    assert score_of(scored, cast.group_leader).total == D("2")
    assert score_of(scored, cast.renwei_deputy).total == D("0")
    assert score_of(scored, cast.renwei_deputy).grade == "不称职"
    assert liu.area.name == "东山街道"


def recount(deputy, rule):
    """An independent count straight from the records, the way a clerk would."""
    start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    items = Item.objects.filter(deputy=deputy, period__range=(start, end), submitted_at__isnull=False).exclude(
        state__in=[State.DRAFT, State.WITHDRAWN, State.MERGED])
    if rule["basis"] == RuleBasis.ITEM_SUBMITTED:
        return set(items.values_list("pk", flat=True))
    if rule["basis"] == RuleBasis.ITEM_SATISFIED:
        return set(items.filter(state=State.CLOSED, satisfaction=Satisfaction.SATISFIED).values_list("pk", flat=True))
    status = AttendanceStatus.ATTENDED if rule["basis"] == RuleBasis.ACTIVITY else AttendanceStatus.ABSENT
    rows = Attendance.objects.filter(deputy=deputy, status=status, activity__date__range=(start, end))
    if rule["activity_kind"]:
        rows = rows.filter(activity__kind=rule["activity_kind"])
    return set(rows.values_list("activity_id", flat=True))


def test_it_equals_a_recount_from_the_records(cast, scored):
    for score in scored.scores.prefetch_related("parts"):
        total = D("0")
        for part, rule in zip(score.parts.all(), scored.rules, strict=True):
            ids = recount(score.deputy, rule)
            assert set(part.record_ids) == ids, (score.deputy_name, part.rule_name)
            counted = min(len(ids), rule["max_count"] or len(ids))
            points = D(rule["points"]) * counted
            if rule["max_points"]:
                cap = D(rule["max_points"])
                points = max(min(points, cap), -cap)
            assert part.points == points
            total += points
        assert score.raw_score == total and score.total == total + score.adjustment


def test_it_recomputes_an_unpublished_assessment_from_changed_records(cast, scored):
    activity_with(cast.group_leader.deputy, kind=ActivityKind.RESEARCH, date=datetime.date(YEAR, 10, 1))
    services.assessment_compute(year=YEAR, actor=cast.staff)
    assert score_of(scored, cast.group_leader).total == D("5")


def test_it_keeps_adjustments_with_reason_who_and_when_across_recomputation(cast, scored):
    zhang = score_of(scored, cast.group_leader)
    services.score_adjust(score=zhang, actor=cast.staff, delta=D("9"), reason="牵头办理重点建议,经研究加分")
    zhang.refresh_from_db()
    assert zhang.total == D("11") and zhang.grade == "称职"
    services.assessment_compute(year=YEAR, actor=cast.staff)
    zhang = score_of(scored, cast.group_leader)
    assert (zhang.raw_score, zhang.adjustment, zhang.total) == (D("2"), D("9"), D("11"))
    adj = scored.adjustments.get()
    assert (adj.created_by, adj.reason) == (cast.staff, "牵头办理重点建议,经研究加分") and adj.created_at


def test_it_refuses_an_adjustment_without_a_reason(cast, scored):
    with pytest.raises(AssessmentError):
        services.score_adjust(score=score_of(scored, cast.deputy), actor=cast.staff, delta=D("1"), reason="  ")


def test_it_never_changes_a_published_assessment(cast, scored):
    services.assessment_publish(assessment=scored, actor=cast.staff)
    before = list(scored.scores.order_by("id").values_list("deputy_id", "total", "grade", "rank"))
    parts_before = list(scored.scores.values_list("parts__record_ids", "parts__points").order_by("parts__id"))
    # Records change after publishing: new items, attendance edited, a rule changed.
    new_item(cast, user=cast.group_leader, title="发布后提交", period=fixtures.month(11))
    Attendance.objects.filter(deputy=cast.deputy.deputy, status=AttendanceStatus.ABSENT).update(
        status=AttendanceStatus.ATTENDED)
    from assessments.models import AssessmentRule

    AssessmentRule.objects.update(points=D("50"))
    with pytest.raises(AssessmentError):
        services.assessment_compute(year=YEAR, actor=cast.staff)
    with pytest.raises(AssessmentError):
        services.score_adjust(score=score_of(scored, cast.deputy), actor=cast.staff, delta=D("1"), reason="发布后调整")
    with pytest.raises(AssessmentError):
        services.assessment_publish(assessment=scored, actor=cast.staff)
    with pytest.raises(CommandError):
        call_command("compute_assessment", str(YEAR))
    assert list(scored.scores.order_by("id").values_list("deputy_id", "total", "grade", "rank")) == before
    assert list(scored.scores.values_list("parts__record_ids", "parts__points").order_by("parts__id")) == parts_before
    assert not scored.adjustments.exists()


def test_it_publishes_only_once(cast, scored):
    services.assessment_publish(assessment=scored, actor=cast.staff)
    Assessment.objects.filter(pk=scored.pk).update(published_by=cast.admin)  # a second publish must not win
    with pytest.raises(AssessmentError):
        services.assessment_publish(assessment=Assessment.objects.get(pk=scored.pk), actor=cast.staff)
    assert Assessment.objects.get(pk=scored.pk).published_by == cast.admin


def test_the_command_computes_and_publishes(cast, capsys):
    fixtures.rules()
    fixtures.records(cast)
    call_command("compute_assessment", str(YEAR), "--publish")
    assessment = Assessment.objects.get(year=YEAR)
    assert assessment.is_published
    assert score_of(assessment, cast.deputy).total == D("29")
    assert "已发布" in capsys.readouterr().out


def test_the_command_says_what_is_wrong_in_chinese(cast):
    from assessments.models import GradeLevel

    GradeLevel.objects.all().delete()
    with pytest.raises(CommandError, match="考核等次"):
        call_command("compute_assessment", str(YEAR))
    with pytest.raises(CommandError, match="年度"):
        call_command("compute_assessment", "1900")


# --- Grades, thresholds and the 优秀 cap --------------------------------------------------------

GRADES = [{"name": "优秀", "min_score": "80", "is_capped": True}, {"name": "称职", "min_score": "60"},
          {"name": "基本称职", "min_score": "40"}, {"name": "不称职", "min_score": "0"}]
TOTALS = [D(x) for x in (90, 85, 85, 80, 70, 60, 59.5, 40, 39, 10)]


def names(result):
    return [GRADES[i]["name"] for i, _capped in result]


def test_it_grades_by_thresholds_inclusive():
    assert names(grade_scores(TOTALS, GRADES, None)) == [
        "优秀", "优秀", "优秀", "优秀", "称职", "称职", "基本称职", "基本称职", "不称职", "不称职"]


def test_it_caps_the_share_of_the_top_grade():
    # 30% of 10 = 3 places: 90, 85, 85 fit; 80 drops to 称职 and is marked capped.
    result = grade_scores(TOTALS, GRADES, 30)
    assert names(result)[:5] == ["优秀", "优秀", "优秀", "称职", "称职"]
    assert [c for _i, c in result][:5] == [False, False, False, True, False]


def test_it_gives_everyone_tied_at_the_cap_boundary_the_lower_grade():
    # 20% of 10 = 2 places, but 85 and 85 tie for the second: both drop, so only one 优秀.
    result = grade_scores(TOTALS, GRADES, 20)
    assert names(result)[:4] == ["优秀", "称职", "称职", "称职"]
    assert sum(1 for i, _c in result if i == 0) <= 2


def test_it_never_exceeds_the_cap_whatever_the_ties():
    totals = [D(85)] * 7 + [D(50)] * 3
    for share in range(0, 101, 5):
        result = grade_scores(totals, GRADES, share)
        assert sum(1 for i, _c in result if i == 0) <= len(totals) * share // 100


def test_it_ranks_equal_totals_equally_and_applies_the_cap_in_a_computed_assessment(cast, scored):
    scored = services.assessment_settings_update(assessment=scored, actor=cast.staff, top_share_percent=0,
                                                 near_margin=D("2"))
    liu = score_of(scored, cast.deputy)
    assert (liu.grade, liu.capped) == ("称职", True)
    assert score_of(scored, cast.group_leader).rank == 2 and score_of(scored, cast.renwei_deputy).rank == 3


def test_it_uses_configurable_grade_names(cast):
    fixtures.rules()
    from assessments.models import GradeLevel

    GradeLevel.objects.all().delete()
    for i, (n, low) in enumerate([("优秀", 20), ("良好", 10), ("合格", 1), ("不合格", 0)]):
        GradeLevel.objects.create(name=n, min_score=low, sort=i)
    activity_with(cast.group_leader.deputy, kind=ActivityKind.TRAINING, date=datetime.date(YEAR, 2, 2))
    assessment = services.assessment_compute(year=YEAR, actor=cast.staff)
    assert score_of(assessment, cast.group_leader).grade == "合格"
    assert score_of(assessment, cast.deputy).grade == "不合格"


def test_it_installs_default_rules_once():
    from assessments.models import AssessmentRule, GradeLevel

    AssessmentRule.objects.all().delete()
    GradeLevel.objects.all().delete()
    assert services.rules_install_defaults() > 0
    assert services.rules_install_defaults() == 0
    assert AssessmentRule.objects.get(basis=RuleBasis.ITEM_SUBMITTED).max_count == 12
    assert list(GradeLevel.objects.values_list("name", flat=True)) == ["优秀", "称职", "基本称职", "不称职"]
