"""Demo assessment: default rules and grades, and this year's assessment computed (not published)."""

from django.utils import timezone

from .selectors import grade_counts
from .services import assessment_compute, rules_install_defaults


def seed(out) -> None:
    rules_install_defaults()
    year = timezone.localdate().year
    assessment = assessment_compute(year=year, top_share_percent=15)
    counts = grade_counts(assessment.scores.all())
    spread = "、".join(f"{g['name']} {counts.get(g['name'], 0)}" for g in assessment.grades)
    out.write(f"年度考核: {year} 年度已计算({assessment.scores.count()} 名代表,未发布;{spread})")
