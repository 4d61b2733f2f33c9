"""The 履职档案 section the deputy profile page shows (through deputies.profile.register)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def record_section(request, deputy):
    from .choices import AssessmentStatus
    from .models import AssessmentScore
    from .selectors import record_deputies

    if not record_deputies(request.user).filter(pk=deputy.pk).exists():
        return None
    scores = (AssessmentScore.objects.filter(deputy=deputy, assessment__status=AssessmentStatus.PUBLISHED)
              .select_related("assessment").order_by("-assessment__year")[:3])
    return {"key": "performance_record", "title": _("履职档案与年度考核"),
            "template": "assessments/profile_section.html",
            "context": {"record_url": reverse("assessments:record", args=[deputy.pk]),
                        "print_url": reverse("assessments:record_print", args=[deputy.pk]),
                        "recent_scores": list(scores)}}
