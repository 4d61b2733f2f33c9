"""A unit's current lead assignments by assignment time (issue 16, finding 4): a unit's dashboard reads the
assignments made since its window opened, not the unit's whole history. Built CONCURRENTLY: no lock on a
table of a million rows."""

from django.db import migrations

LEAD_BY_TIME = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS dash_assign_lead_time ON petitions_assignment (unit_id, assigned_at)
INCLUDE (item_id)
WHERE role = 'lead' AND is_current AND cancelled_at IS NULL
"""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dashboards", "0008_install_rollup_check_schedule"),
    ]

    operations = [
        migrations.RunSQL(LEAD_BY_TIME, "DROP INDEX CONCURRENTLY IF EXISTS dash_assign_lead_time"),
    ]
