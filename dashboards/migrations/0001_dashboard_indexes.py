"""Indexes for the dashboard figures on the petitions tables (owned here, created IF NOT EXISTS).

- A covering index on the submission time: every dashboard figure selects items by submission day and
  reads only these columns, so PostgreSQL answers from the index (index-only scan) without the heap.
"""

from django.db import migrations

COVER = """
CREATE INDEX IF NOT EXISTS dash_item_submitted_cover ON petitions_item (submitted_at)
INCLUDE (state, satisfaction, evaluated_at, stage_due, area_id, category, deputy_id, period)
WHERE submitted_at IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [
        migrations.RunSQL(COVER, "DROP INDEX IF EXISTS dash_item_submitted_cover"),
    ]
