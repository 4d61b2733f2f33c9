"""An index for area staff's work counts (issue 16, finding 1), built without locking the table."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0002_item_submission_token"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="item",
            index=models.Index(fields=["state", "area", "stage_due"], name="item_state_area_due"),
        ),
    ]
