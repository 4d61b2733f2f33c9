"""Points computed from the records: rules and caps, the frozen published quarter, self-reports and
correction requests (the loops on core/loops), the year's total in the annual assessment."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from core.loops import LoopError, NotAllowed
from notifications.models import Notification
from points import services
from points.models import Claim, ClaimEvent, Correction, CorrectionEvent, Line, Total

from .conftest import photo, points_of

pytestmark = pytest.mark.django_db


def test_a_quarter_counts_the_records_with_each_rules_points(cast, rules, q3):
    snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    deputy = cast.deputy.deputy
    lines = points_of(snap, deputy)
    assert lines["参加调研视察"] == Decimal("4")  # two trips × 2
    assert lines["无故缺席活动"] == Decimal("-2")  # a deduction
    total = Total.objects.get(snapshot=snap, deputy=deputy)
    assert total.total == Decimal("2")
    assert total.group_name == "东山街道区人大代表小组"
    line = snap.lines.get(deputy=deputy, rule_name="参加调研视察")
    assert sorted(line.record_ids) == sorted(a.pk for a in q3[:2])
    leader = Total.objects.get(snapshot=snap, deputy=cast.group_leader.deputy)
    assert leader.total == Decimal("2") and leader.rank == total.rank  # tied: the same rank


def test_caps_per_quarter_and_per_year_limit_a_rule(cast, rules, q3):
    rule = rules["参加调研视察"]
    rule.quarter_cap, rule.year_cap = Decimal("3"), Decimal("5")
    rule.save()
    q3_snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    line = q3_snap.lines.get(deputy=cast.deputy.deputy, rule=rule)
    assert line.points == Decimal("3") and line.capped
    from activities.models import Activity, Attendance

    for day in (2, 9):
        act = Activity.objects.create(kind="research", title=f"调研{day}", date=datetime.date(2026, 10, day),
                                      organiser_area=q3[0].organiser_area)
        Attendance.objects.create(activity=act, deputy=cast.deputy.deputy, status="attended")
    q4 = services.snapshot_compute(year=2026, quarter=4, actor=cast.staff)
    assert q4.lines.get(deputy=cast.deputy.deputy, rule=rule).points == Decimal("2")  # 5 a year, 3 already


def test_a_published_quarter_never_changes(cast, rules, q3):
    snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    services.snapshot_publish(snapshot=snap, actor=cast.staff)
    before = list(Line.objects.filter(snapshot=snap).values_list("pk", "points"))
    with pytest.raises(LoopError, match="已发布"):
        services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    with pytest.raises(LoopError, match="已发布"):
        services.snapshot_publish(snapshot=snap, actor=cast.staff)
    assert list(Line.objects.filter(snapshot=snap).values_list("pk", "points")) == before
    snap.refresh_from_db()
    assert snap.correction_due == datetime.date(2026, 12, 10)  # 10 working days after Thu 26 Nov


def test_only_the_district_computes_and_publishes(cast, rules):
    for who in (cast.dongshan_staff, cast.leader, cast.deputy):
        with pytest.raises(NotAllowed):
            services.snapshot_compute(year=2026, quarter=3, actor=who)


def test_an_approved_self_report_counts_in_its_quarter(cast, rules):
    rule = rules["参加上级组织的学习培训(自行申报)"]
    claim = services.claim_submit(actor=cast.deputy, rule=rule, date=datetime.date(2026, 9, 3),
                                  description="参加省人大代表履职培训班", files=[photo()])
    assert claim.area.name == "东山街道" and claim.files.count() == 1
    assert Notification.objects.filter(recipient=cast.dongshan_staff, title__contains="自行申报").exists()
    with pytest.raises(NotAllowed):
        services.claim_approve(claim=claim, actor=cast.renwei_staff)  # another area's staff
    services.claim_approve(claim=claim, actor=cast.dongshan_staff, reason="材料齐全")
    claim.refresh_from_db()
    assert claim.state == "approved"
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("action", flat=True)) == ["submit", "approve"]
    assert Notification.objects.filter(recipient=cast.deputy, title__contains="已审核通过").exists()
    with pytest.raises(LoopError, match="已被处理"):
        services.claim_refuse(claim=claim, actor=cast.staff, reason="重复")
    snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    line = snap.lines.get(deputy=cast.deputy.deputy, rule=rule)
    assert line.points == Decimal("2") and line.record_ids == [claim.pk]


def test_bad_self_reports_are_refused_and_store_nothing(cast, rules):
    rule = rules["参加上级组织的学习培训(自行申报)"]
    with pytest.raises(LoopError, match="证明材料"):
        services.claim_submit(actor=cast.deputy, rule=rule, date=datetime.date(2026, 9, 3), description="培训", files=[])
    with pytest.raises(LoopError, match="不接受自行申报"):
        services.claim_submit(actor=cast.deputy, rule=rules["参加调研视察"], date=datetime.date(2026, 9, 3),
                              description="培训", files=[photo()])
    snap = services.snapshot_compute(year=2026, quarter=2, actor=cast.staff)
    services.snapshot_publish(snapshot=snap, actor=cast.staff)
    with pytest.raises(LoopError, match="申请更正"):
        services.claim_submit(actor=cast.deputy, rule=rule, date=datetime.date(2026, 5, 3), description="培训",
                              files=[photo()])
    assert not Claim.objects.exists()


def test_a_correction_shows_in_the_next_quarter_marked_and_the_published_stays(cast, rules, q3):
    deputy = cast.deputy.deputy
    q3_snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    services.snapshot_publish(snapshot=q3_snap, actor=cast.staff)
    absence = q3_snap.lines.get(deputy=deputy, rule_name="无故缺席活动")
    with pytest.raises(NotAllowed):
        services.correction_request(actor=cast.group_leader, snapshot=q3_snap, line=absence, reason="x")
    correction = services.correction_request(actor=cast.deputy, snapshot=q3_snap, line=absence,
                                             reason="当天已向小组请假,有微信记录", files=[photo("请假记录.png")])
    with pytest.raises(LoopError, match="待处理"):
        services.correction_request(actor=cast.deputy, snapshot=q3_snap, line=absence, reason="再次申请")
    with pytest.raises(LoopError, match="更正分值"):
        services.correction_accept(correction=correction, actor=cast.dongshan_staff, delta=Decimal("0"), answer="x")
    services.correction_accept(correction=correction, actor=cast.dongshan_staff, delta=Decimal("2"),
                               answer="核实已请假,撤销扣分")
    q4 = services.snapshot_compute(year=2026, quarter=4, actor=cast.staff)
    fixed = q4.lines.get(deputy=deputy, correction=correction)
    assert fixed.points == Decimal("2") and fixed.rule_name.startswith("更正")
    assert Total.objects.get(snapshot=q4, deputy=deputy).total == Decimal("2")
    assert q3_snap.lines.get(pk=absence.pk).points == Decimal("-2")  # the published line is unchanged
    assert Total.objects.get(snapshot=q3_snap, deputy=deputy).total == Decimal("2")
    correction.refresh_from_db()
    assert correction.applied_in == q4
    assert list(CorrectionEvent.objects.filter(correction=correction).values_list("action", flat=True)) == \
        ["request", "accept"]
    services.snapshot_compute(year=2026, quarter=4, actor=cast.staff)  # recomputing keeps it, once
    assert q4.lines.filter(correction=correction).count() == 1


def test_corrections_close_after_ten_working_days(cast, rules, q3):
    snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    services.snapshot_publish(snapshot=snap, actor=cast.staff)
    line = snap.lines.filter(deputy=cast.deputy.deputy).first()
    with time_machine.travel(datetime.datetime(2026, 12, 11, 9, 0), tick=False):
        with pytest.raises(LoopError, match="期限已过"):
            services.correction_request(actor=cast.deputy, snapshot=snap, line=line, reason="晚了")
    assert not Correction.objects.exists()


def test_a_refused_correction_needs_a_reason_and_changes_no_points(cast, rules, q3):
    snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    services.snapshot_publish(snapshot=snap, actor=cast.staff)
    correction = services.correction_request(actor=cast.deputy, snapshot=snap, missing="2026-09-01 走访选民",
                                             reason="漏记")
    with pytest.raises(LoopError, match="理由"):
        services.correction_refuse(correction=correction, actor=cast.staff, answer=" ")
    services.correction_refuse(correction=correction, actor=cast.staff, answer="无活动记录")
    q4 = services.snapshot_compute(year=2026, quarter=4, actor=cast.staff)
    assert not q4.lines.filter(correction__isnull=False).exists()


def test_the_years_points_feed_the_annual_assessment_as_one_rule(cast, rules, q3):
    from assessments.models import AssessmentRule, GradeLevel
    from assessments.services import assessment_compute

    snap = services.snapshot_compute(year=2026, quarter=3, actor=cast.staff)
    services.snapshot_publish(snapshot=snap, actor=cast.staff)
    AssessmentRule.objects.all().delete()
    AssessmentRule.objects.create(name="年度履职积分", basis="points_year", points=Decimal("0.5"))
    GradeLevel.objects.create(name="称职", min_score=0)
    assessment = assessment_compute(year=2026)
    score = assessment.scores.get(deputy=cast.deputy.deputy)
    assert score.raw_score == Decimal("1")  # 2 points × 0.5
    assert score.parts.get().record_ids == [snap.pk]
