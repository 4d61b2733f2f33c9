"""`python manage.py check_rollups`: stored rollups vs a recount, installed trigger functions vs
dashboards/rollup.py. Prints the differences; exit status 1 on any, 0 when clean. Run nightly by beat
(notifications/schedules.py, task ``dashboards.check_rollups``); the result is kept for the admins."""

import sys

from django.core.management.base import BaseCommand

from dashboards.checks import rollups_check


class Command(BaseCommand):
    help = "校验统计看板汇总表:已存数据与重新计算是否一致,已安装的触发器函数与当前源码是否一致(有差异时退出码为 1)。"

    def handle(self, *args, **options):
        result = rollups_check()
        if result.ok:
            self.stdout.write(self.style.SUCCESS("汇总表校验通过:数据与重新计算一致,触发器与当前源码一致。"))
            return
        for line in result.differences:
            self.stdout.write(line)
        self.stderr.write(self.style.ERROR(
            f"汇总表校验发现 {len(result.differences)} 处差异;可运行 python manage.py rebuild_rollups 重建。"))
        sys.exit(1)
