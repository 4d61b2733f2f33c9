"""Two indexes for the live 逾期 counts of a page, read in one query (`selectors.overdue_tables`).

- ``dash_item_clocked`` again, now also carrying the item id: the per-unit 逾期 joins the clocked items
  to their assignments, and without the id in the index every one of those rows (ten thousand over two
  years at a million items) was a heap visit: 22 ms against 2 ms for an index-only scan.
- ``dash_assign_lead_open``: the open current lead assignments (a few percent of all), by item, with the
  unit and due date: the per-unit 逾期 probes it index-only.

Indexes only: no rollup table changes, so the triggers of 0005 stay as they are.
"""

from django.db import migrations

CLOCKED_OLD = """
CREATE INDEX IF NOT EXISTS dash_item_clocked ON petitions_item (submitted_at)
INCLUDE (state, stage_due, area_id, category, deputy_id)
WHERE submitted_at IS NOT NULL AND state IN ('submitted', 'research', 'handling')
"""
CLOCKED = """
DROP INDEX IF EXISTS dash_item_clocked;
CREATE INDEX dash_item_clocked ON petitions_item (submitted_at)
INCLUDE (state, stage_due, area_id, category, deputy_id, id)
WHERE submitted_at IS NOT NULL AND state IN ('submitted', 'research', 'handling')
"""
LEAD_OPEN = """
CREATE INDEX IF NOT EXISTS dash_assign_lead_open ON petitions_assignment (item_id)
INCLUDE (unit_id, due_date)
WHERE role = 'lead' AND is_current AND cancelled_at IS NULL AND handled_at IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0005_rollup_triggers")]

    operations = [
        migrations.RunSQL(CLOCKED, "DROP INDEX IF EXISTS dash_item_clocked;" + CLOCKED_OLD),
        migrations.RunSQL(LEAD_OPEN, "DROP INDEX IF EXISTS dash_assign_lead_open"),
    ]
