"""The triggers that keep the rollups exact, and a first count of them.

The SQL is version 1, frozen in dashboards/sql/rollup_v1.py (never edited), so this migration does
today what it did when it was written, whatever rollup.py generates later; a later version of the
triggers comes with its own frozen module and migration. RunPython so that the local time zone comes
from settings at migrate time, not from a constant frozen in this file. Reverse drops them.
"""

from django.conf import settings
from django.db import migrations

from dashboards.sql import rollup_v1


def install(apps, schema_editor):
    schema_editor.execute(rollup_v1.install_sql(settings.TIME_ZONE))
    schema_editor.execute(rollup_v1.REBUILD)


def uninstall(apps, schema_editor):
    schema_editor.execute(rollup_v1.UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0004_rollup_state")]

    operations = [migrations.RunPython(install, uninstall)]
