"""What the session report reads without joins, copied by the doors and filled here for existing rows:
the session of each unit row and 面商 record (SuggestionUnit.session, Consultation.session) and the
lead deputy's first-round ratings on the suggestion (Suggestion.first_work_rating / first_result_rating);
and the partial indexes the report reads: a session's replying unit rows, and its 面商 other than 未沟通."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    """Every unit row and 面商 record gets its suggestion's session, every suggestion its lead deputy's
    round-1 ratings (blank without that evaluation). Run again, it changes nothing."""
    db = schema_editor.connection.alias
    SuggestionUnit = apps.get_model("suggestions", "SuggestionUnit")
    Suggestion = apps.get_model("suggestions", "Suggestion")
    Evaluation = apps.get_model("suggestions", "Evaluation")
    session = Subquery(Suggestion.objects.filter(pk=OuterRef("suggestion_id")).values("session_id")[:1])
    SuggestionUnit.objects.using(db).update(session_id=session)
    apps.get_model("suggestions", "Consultation").objects.using(db).update(session_id=session)
    first = Evaluation.objects.filter(suggestion_id=OuterRef("pk"), deputy_id=OuterRef("lead_deputy_id"), round=1)
    Suggestion.objects.using(db).update(
        first_work_rating=Coalesce(Subquery(first.values("work_rating")[:1]), Value("")),
        first_result_rating=Coalesce(Subquery(first.values("result_rating")[:1]), Value("")))


RATINGS = [("satisfied", "满意"), ("basic", "基本满意"), ("dissatisfied", "不满意"), ("no_answer", "未表态")]


class Migration(migrations.Migration):

    dependencies = [
        ("suggestions", "0003_suggestion_submission_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestionunit",
            name="session",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="suggestions.session", verbose_name="会议"),
        ),
        migrations.AddField(
            model_name="consultation",
            name="session",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="suggestions.session", verbose_name="会议"),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="first_work_rating",
            field=models.CharField(blank=True, choices=RATINGS, editable=False, max_length=20,
                                   verbose_name="首轮办理工作评价"),
        ),
        migrations.AddField(
            model_name="suggestion",
            name="first_result_rating",
            field=models.CharField(blank=True, choices=RATINGS, editable=False, max_length=20,
                                   verbose_name="首轮办理结果评价"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="suggestionunit",
            name="session",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="suggestions.session", verbose_name="会议"),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="session",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="suggestions.session", verbose_name="会议"),
        ),
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(condition=models.Q(("form", "none"), _negated=True),
                               fields=["session", "suggestion", "unit"], name="sugg_consult_met"),
        ),
        migrations.AddIndex(
            model_name="suggestionunit",
            index=models.Index(condition=models.Q(("cancelled_at__isnull", True), ("role__in", ("lead", "split"))),
                               fields=["session", "unit", "suggestion"], name="sugg_unit_session_replying"),
        ),
    ]
