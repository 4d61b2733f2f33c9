"""群众来信 in the annual assessment and the 履职档案 (issue 13): reports to the deputy's own code answered
or turned into an opinion item count as a rule basis, and the record shows received, accepted on time,
closed and satisfaction."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.choices import RuleBasis
from assessments.models import AssessmentRule, AssessmentScore, GradeLevel
from residents import services as residents
from residents.models import Report, ResidentCode

pytestmark = pytest.mark.django_db
D = Decimal


def _report(code, text):
    return Report.objects.create(code=code, area=code.area, category="urban", text=text, phone="13912345678",
                                 name="王大妈", state="submitted", submitted_at=timezone.now(),
                                 accept_due=timezone.localdate())


def test_answered_reports_score_and_show_on_the_record(login, cast):
    AssessmentRule.objects.all().delete()
    GradeLevel.objects.all().delete()
    AssessmentRule.objects.create(name="答复群众来信", basis=RuleBasis.RESIDENT_ANSWERED, points=D("1"))
    GradeLevel.objects.create(name="称职", min_score=D("0"), sort=0)
    deputy = cast.deputy.deputy
    code = ResidentCode.objects.create(kind="deputy", deputy=deputy, area=deputy.area)
    answered = _report(code, "路灯坏了,晚上很黑。")
    residents.report_accept(report=answered, actor=cast.deputy)
    residents.report_answer(report=Report.objects.get(pk=answered.pk), actor=cast.deputy, reply="已联系社区更换路灯。")
    _report(code, "楼道堆放杂物。")  # received, not yet answered: not counted

    assessment = services.assessment_compute(year=timezone.localdate().year, actor=cast.staff)
    score = AssessmentScore.objects.get(assessment=assessment, deputy=deputy)
    part = score.parts.get(rule_name="答复群众来信")
    assert (part.count, part.points, part.record_ids) == (1, D("1"), [answered.pk])
    client = login(cast.staff)
    page = client.get(reverse("assessments:part", args=[assessment.year, score.pk, part.pk]))
    assert page.context["kind"] == "residents" and answered.receipt_no in page.content.decode()
    assert "王大妈" not in page.content.decode() and "13912345678" not in page.content.decode()

    record = client.get(reverse("assessments:record", args=[deputy.pk])).content.decode()
    row = record[record.index('data-testid="count-residents"'):].split("</tr>")[0]
    assert "收到群众来信</th><td class=\"num\">2<" in row and "按时受理</th><td class=\"num\">1<" in row
    assert "已办结</th><td class=\"num\">0" in row  # answered, not yet rated: 已答复, not 办结


def test_the_record_counts_votes_cast_and_supervision_groups_joined(login, cast):
    from projects import services as projects
    from tests.projects.helpers import project_of

    project = project_of(cast)  # the round closed after 刘芳 and 张伟 voted on their phones
    projects.supervision_set(project=project, actor=cast.dongshan_staff, leader=cast.group_leader.deputy,
                             members=[cast.deputy.deputy])
    record = login(cast.staff).get(reverse("assessments:record", args=[cast.deputy.deputy.pk])).content.decode()
    row = record[record.index('data-testid="count-projects"'):].split("</tr>")[0]
    assert "民生实事票决</th><td class=\"num\">1<" in row and "参加项目监督</th><td class=\"num\">1<" in row
