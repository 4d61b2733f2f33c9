"""`python manage.py compute_assessment YEAR [--publish]`: the annual assessment from the records."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from assessments.models import Assessment
from assessments.services import AssessmentError, assessment_compute, assessment_publish


class Command(BaseCommand):
    help = "按现有记录计算某年度代表履职考核;加 --publish 同时发布(发布后结果冻结)。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="考核年度,例如 2026")
        parser.add_argument("--publish", action="store_true", help="计算后立即发布")

    def handle(self, *args, year, publish=False, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(gettext("年度应在 2000 至 2100 之间。"))
        try:
            assessment = assessment_compute(year=year, actor=None)
            self.stdout.write(f"{year} 年度考核已计算:{assessment.scores.count()} 名代表,"
                              f"{assessment.group_scores.count()} 个代表小组。")
            if publish:
                assessment_publish(assessment=assessment, actor=None)
                self.stdout.write(self.style.SUCCESS(f"{year} 年度考核已发布。"))
        except AssessmentError as exc:
            raise CommandError(str(exc.message))
        except Assessment.DoesNotExist:  # pragma: no cover
            raise CommandError(gettext("考核不存在。"))
