import io

import pytest
from django.core.management import call_command

from assessments.models import AssessmentScore
from assessments.selectors import grade_counts

pytestmark = pytest.mark.django_db


def test_it_grades_the_demo_roster_with_a_believable_spread():
    """With the default rules and grades, the demo year is not 优秀 for a few and 称职 for everyone else:
    about one deputy in eight is 优秀 and a handful fall below 称职 (activities.demo's engagement)."""
    call_command("seed_demo", stdout=io.StringIO())
    scores = AssessmentScore.objects.all()
    total, counts = scores.count(), grade_counts(scores)
    assert total == 337
    assert 0.10 * total <= counts.get("优秀", 0) <= 0.15 * total
    assert 3 <= counts.get("基本称职", 0) + counts.get("不称职", 0) <= 0.05 * total
    assert counts.get("不称职", 0) >= 1
