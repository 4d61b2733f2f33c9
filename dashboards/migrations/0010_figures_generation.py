"""A counter that moves whenever anything the dashboards count changes (issue 16): the figures of a period
and scope are kept in Redis under the counter's value (dashboards/cache.py), so a kept copy is never
served after a change. A statement-level trigger on every table the figures read bumps a sequence:
no row is locked (a sequence never waits), a bulk statement of a million rows bumps it once, and it
covers every writer — workflow, ledger import, admin, raw SQL."""

from django.db import migrations

TABLES = ("petitions_item", "petitions_assignment", "deputy_groups_groupmembership", "deputy_groups_deputygroup",
          "deputies_deputy", "deputies_mandate", "areas_area", "units_handlingunit")

FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS dashboards_generation;
CREATE OR REPLACE FUNCTION dashboards_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('dashboards_generation');
    RETURN NULL;
END $$;
"""


def _triggers(create: bool) -> str:
    out = []
    for table in TABLES:
        name = f"dashboards_bump_{table}"
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        if create:
            out.append(f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION dashboards_bump();")
    return "\n".join(out)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0009_assign_lead_by_time"),
        ("petitions", "0001_initial"),
        ("deputy_groups", "0001_initial"),
        ("deputies", "0001_initial"),
        ("areas", "0001_initial"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION + _triggers(True),
                          _triggers(False) + "DROP FUNCTION IF EXISTS dashboards_bump(); "
                          "DROP SEQUENCE IF EXISTS dashboards_generation;"),
    ]
