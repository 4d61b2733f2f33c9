"""`python manage.py rebuild_rollups`: recount the dashboard rollups from the items (and reinstall their
triggers, e.g. after TIME_ZONE changed). Safe at any time: writers wait for the few seconds it takes."""

import time

from django.core.management.base import BaseCommand

from dashboards import rollup
from dashboards.models import RollupItem


class Command(BaseCommand):
    help = "重新计算统计看板的汇总表(并重新安装维护它们的触发器)。"

    def handle(self, *args, **options):
        t0 = time.monotonic()
        rollup.rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"汇总表已重建: {RollupItem.objects.count()} 行(月×区划×类别), {time.monotonic() - t0:.1f}s"))
