from django.contrib import admin

from .models import Assessment, AssessmentRule, GradeLevel, ScoreAdjustment


@admin.register(AssessmentRule)
class AssessmentRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "basis", "activity_kind", "points", "max_count", "max_points", "sort", "is_active"]
    list_editable = ["sort", "is_active"]


@admin.register(GradeLevel)
class GradeLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "min_score", "sort", "is_capped"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only here: computing, adjusting and publishing go through the services."""

    list_display = ["year", "status", "computed_at", "published_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScoreAdjustment)
class ScoreAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["assessment", "deputy", "delta", "reason", "created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
