"""Everything that writes assessments: compute, adjust, grade, publish; rules and grades."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import DeputyGroup

from . import selectors
from .choices import AssessmentStatus, RuleBasis
from .models import (
    Assessment,
    AssessmentRule,
    AssessmentScore,
    GradeLevel,
    GroupScore,
    ScoreAdjustment,
    ScorePart,
)


class AssessmentError(Exception):
    """A refused change: `message` is shown to the user as is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _lock_draft(assessment_id: int) -> Assessment:
    """Lock the assessment row; refuse if it is published (published results never change)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    if assessment.is_published:
        raise AssessmentError(_("该年度考核已发布,结果已冻结,不能再修改。"))
    return assessment


@transaction.atomic
def assessment_compute(*, year: int, actor=None, top_share_percent: int | None = None,
                       keep_settings: bool = True) -> Assessment:
    """(Re)compute the assessment of `year` from the records with the current rules and grades.
    Adjustments made so far are kept and re-applied. A published assessment is refused."""
    assessment, _created = Assessment.objects.get_or_create(year=year)
    assessment = _lock_draft(assessment.pk)
    if not keep_settings or top_share_percent is not None:
        assessment.top_share_percent = top_share_percent
    rules = list(AssessmentRule.objects.filter(is_active=True).order_by("sort", "id"))
    grades = list(GradeLevel.objects.order_by("sort", "-min_score"))
    if not grades:
        raise AssessmentError(_("请先设置考核等次(如 优秀、称职、基本称职、不称职)。"))
    assessment.rules = [r.snapshot() for r in rules]
    assessment.grades = [{"name": g.name, "min_score": str(g.min_score), "is_capped": g.is_capped} for g in grades]

    records, amounts = {}, {}
    for rule in rules:  # one query per rule
        if rule.basis == RuleBasis.POINTS_YEAR:
            points = selectors.points_of_year(year)
            records[rule.pk] = {pk: ids for pk, (_n, ids) in points.items()}
            amounts[rule.pk] = {pk: n for pk, (n, _ids) in points.items()}
        else:
            records[rule.pk] = selectors.rule_records(rule, year)
    adjustments = dict(ScoreAdjustment.objects.filter(assessment=assessment).order_by()
                       .values_list("deputy_id").annotate(s=Sum("delta")).values_list("deputy_id", "s"))
    areas = selectors.area_map()

    assessment.scores.all().delete()  # parts cascade; adjustments are kept
    deputies = list(selectors.assessed_deputies(year))
    scores, parts = [], []
    for deputy in deputies:
        score = AssessmentScore(assessment=assessment, deputy=deputy, deputy_name=deputy.name,
                                area_id=selectors.town_of(deputy.mandate_area_id, areas))
        raw = Decimal("0")
        for i, rule in enumerate(rules):
            ids = records[rule.pk].get(deputy.pk, [])
            count = amounts[rule.pk].get(deputy.pk, 0) if rule.pk in amounts else len(ids)
            counted, points = rule.score(count)
            raw += points
            parts.append(ScorePart(score=score, rule=rule, rule_name=rule.name, basis=rule.basis,
                                   activity_kind=rule.activity_kind, count=count, counted=counted,
                                   points=points, record_ids=ids, sort=i))
        score.raw_score = raw
        score.adjustment = adjustments.get(deputy.pk) or Decimal("0")
        score.total = raw + score.adjustment
        scores.append(score)
    AssessmentScore.objects.bulk_create(scores)
    for part in parts:
        part.score_id = part.score.pk
    ScorePart.objects.bulk_create(parts)
    _grade(assessment, scores)
    _group_scores(assessment)
    assessment.computed_at, assessment.computed_by = timezone.now(), actor
    assessment.save()
    return assessment


def grade_scores(totals: list[Decimal], grades: list[dict], top_share_percent: int | None):
    """Grades for totals (same order): the best grade whose minimum is reached, the last grade as
    the floor. A capped grade (优秀) goes to at most floor(N × share%) deputies, best first; deputies
    tied at the boundary ALL keep the next grade, so the cap is never exceeded (a documented rule).
    Returns [(grade index, capped)]."""
    def natural(total):
        for i, g in enumerate(grades):
            if total >= Decimal(g["min_score"]):
                return i
        return len(grades) - 1

    result = [(natural(t), False) for t in totals]
    if top_share_percent is None:
        return result
    limit = len(totals) * top_share_percent // 100
    for gi, g in enumerate(grades):
        if not g.get("is_capped"):
            continue
        holders = sorted((t for t, (i, _c) in zip(totals, result, strict=True) if i == gi), reverse=True)
        if len(holders) <= limit:
            continue
        # The first total that does not fit; everyone at or below it drops a grade.
        cutoff = holders[limit]
        result = [((min(i + 1, len(grades) - 1), True) if i == gi and t <= cutoff else (i, c))
                  for t, (i, c) in zip(totals, result, strict=True)]
    return result


def _grade(assessment: Assessment, scores: list[AssessmentScore]) -> None:
    graded = grade_scores([s.total for s in scores], assessment.grades, assessment.top_share_percent)
    ordered = sorted({s.total for s in scores}, reverse=True)
    rank = {t: n for n, t in enumerate(ordered, start=1)}  # dense rank: equal totals share a place
    for s, (gi, capped) in zip(scores, graded, strict=True):
        s.grade, s.grade_sort, s.capped, s.rank = assessment.grades[gi]["name"], gi, capped, rank[s.total]
    AssessmentScore.objects.bulk_update(scores, ["grade", "grade_sort", "capped", "rank"])


def _group_scores(assessment: Assessment) -> None:
    start, end = selectors.year_range(assessment.year)
    assessment.group_scores.all().delete()
    rows = selectors.with_rates(selectors.group_figures(DeputyGroup.objects.order_by("id"), start, end), 12)
    GroupScore.objects.bulk_create([GroupScore(
        assessment=assessment, group=g, group_name=g.name, area_id=g.area_id, member_count=g.member_count,
        activity_count=g.activity_count, items_submitted=g.items_submitted, items_concluded=g.items_concluded,
        member_months=g.member_months, submission_rate=g.submission_rate) for g in rows])


@transaction.atomic
def score_adjust(*, score: AssessmentScore, actor, delta: Decimal, reason: str) -> ScoreAdjustment:
    """Adjust a deputy's score with a written reason (kept with who and when); grades and ranks of
    the whole assessment follow, since the 优秀 cap depends on everyone's total."""
    assessment = _lock_draft(score.assessment_id)
    if not reason.strip():
        raise AssessmentError(_("请填写调整理由。"))
    adjustment = ScoreAdjustment.objects.create(assessment=assessment, deputy_id=score.deputy_id, delta=delta,
                                                reason=reason.strip(), created_by=actor)
    score = AssessmentScore.objects.select_for_update().get(pk=score.pk)
    score.adjustment += delta
    score.total = score.raw_score + score.adjustment
    score.save(update_fields=["adjustment", "total"])
    _grade(assessment, list(assessment.scores.order_by("id")))
    return adjustment


@transaction.atomic
def assessment_settings_update(*, assessment: Assessment, actor, top_share_percent: int | None,
                               near_margin: Decimal) -> Assessment:
    assessment = _lock_draft(assessment.pk)
    assessment.top_share_percent, assessment.near_margin = top_share_percent, near_margin
    assessment.save(update_fields=["top_share_percent", "near_margin"])
    _grade(assessment, list(assessment.scores.order_by("id")))
    return assessment


@transaction.atomic
def assessment_publish(*, assessment: Assessment, actor) -> Assessment:
    """Publish (发布): a conditional UPDATE flips the flag once; from then on nothing recomputes or
    adjusts it, so later changes of records never alter the published result."""
    if not assessment.scores.exists():
        raise AssessmentError(_("请先计算考核结果再发布。"))
    updated = Assessment.objects.filter(pk=assessment.pk, status=AssessmentStatus.DRAFT).update(
        status=AssessmentStatus.PUBLISHED, published_at=timezone.now(), published_by=actor)
    if not updated:
        raise AssessmentError(_("该年度考核已经发布。"))
    assessment.refresh_from_db()
    return assessment


# --- Rules and grades ------------------------------------------------------------------------

DEFAULT_RULES = [
    # name, basis, activity kind, points, max count, max points
    ("提交社情民意", RuleBasis.ITEM_SUBMITTED, "", "2", 12, "24"),
    ("社情民意办结且满意", RuleBasis.ITEM_SATISFIED, "", "1", None, "10"),
    ("领衔提出代表建议", RuleBasis.SUGGESTION_LED, "", "3", None, "15"),
    ("附议代表建议", RuleBasis.SUGGESTION_COSIGNED, "", "1", None, "5"),
    ("答复群众来信", RuleBasis.RESIDENT_ANSWERED, "", "1", None, "6"),
    ("参加调研视察", RuleBasis.ACTIVITY, "research", "3", None, "15"),
    ("参加工作督查", RuleBasis.ACTIVITY, "supervision", "3", None, "12"),
    ("联系国家机关", RuleBasis.ACTIVITY, "organ_contact", "2", None, "8"),
    ("参加学习培训", RuleBasis.ACTIVITY, "training", "2", None, "8"),
    ("接待选民日值班", RuleBasis.ACTIVITY, "reception", "3", None, "12"),
    ("参加代表小组活动", RuleBasis.ACTIVITY, "group", "2", None, "8"),
    ("向选民述职", RuleBasis.ACTIVITY, "report", "5", 1, "5"),
    ("双联走访", RuleBasis.ACTIVITY, "double_contact", "1", None, "4"),
    ("无故缺席活动扣分", RuleBasis.ABSENCE, "", "-2", None, "10"),
]
DEFAULT_GRADES = [("优秀", "60", True), ("称职", "30", False), ("基本称职", "15", False), ("不称职", "0", False)]


@transaction.atomic
def rules_install_defaults(*, actor=None) -> int:
    """Install the default rules and grades where none exist yet (idempotent)."""
    created = 0
    if not AssessmentRule.objects.exists():
        AssessmentRule.objects.bulk_create([
            AssessmentRule(name=n, basis=b, activity_kind=k, points=Decimal(p), max_count=c,
                           max_points=Decimal(m) if m else None, sort=i * 10)
            for i, (n, b, k, p, c, m) in enumerate(DEFAULT_RULES)])
        created += len(DEFAULT_RULES)
    if not GradeLevel.objects.exists():
        GradeLevel.objects.bulk_create([GradeLevel(name=n, min_score=Decimal(s), sort=i, is_capped=c)
                                        for i, (n, s, c) in enumerate(DEFAULT_GRADES)])
        created += len(DEFAULT_GRADES)
    return created


@transaction.atomic
def rule_save(*, rule: AssessmentRule | None = None, actor, **fields) -> AssessmentRule:
    """Create or change a rule; published assessments keep their own snapshot."""
    rule = rule or AssessmentRule()
    for name, value in fields.items():
        setattr(rule, name, value)
    rule.save()
    return rule


@transaction.atomic
def grade_save(*, grade: GradeLevel | None = None, actor, **fields) -> GradeLevel:
    grade = grade or GradeLevel()
    for name, value in fields.items():
        setattr(grade, name, value)
    grade.save()
    return grade


@transaction.atomic
def grade_delete(*, grade: GradeLevel, actor) -> None:
    grade.delete()
