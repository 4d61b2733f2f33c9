"""Two indexes for the counts that stay live (the triggers come in 0005, once every rollup table exists).

- ``dash_item_clocked``: the items that can be overdue (研处/办理), by submission time: 逾期数 is
  counted live (it depends on today) from a few thousand rows instead of a year of items.
- ``dash_assign_lead_current``: a unit's current lead assignments, so that a unit's dashboard starts
  from its own items.
"""

from django.db import migrations

CLOCKED = """
CREATE INDEX IF NOT EXISTS dash_item_clocked ON petitions_item (submitted_at)
INCLUDE (state, stage_due, area_id, category, deputy_id)
WHERE submitted_at IS NOT NULL AND state IN ('submitted', 'research', 'handling')
"""
LEAD_CURRENT = """
CREATE INDEX IF NOT EXISTS dash_assign_lead_current ON petitions_assignment (unit_id, item_id)
INCLUDE (handled_at, due_date)
WHERE role = 'lead' AND is_current AND cancelled_at IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_rollups"),
        ("petitions", "0001_initial"),
        ("deputy_groups", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(CLOCKED, "DROP INDEX IF EXISTS dash_item_clocked"),
        migrations.RunSQL(LEAD_CURRENT, "DROP INDEX IF EXISTS dash_assign_lead_current"),
    ]
