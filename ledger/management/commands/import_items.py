"""`python manage.py import_items FILE [--dry-run] [--create-units]`: import a historical ledger (台账).

Exits non-zero when any row is refused (and then writes nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from ...services import LedgerError, ledger_import


class Command(BaseCommand):
    help = "导入历史社情民意台账(.xlsx):先试运行,全部通过才写入;重复导入同一文件不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 台账文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查,不写入")
        parser.add_argument("--create-units", action="store_true", help="自动创建台账中不存在的承办单位")

    def handle(self, *args, file, dry_run=False, create_units=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(gettext("文件不存在:%(file)s") % {"file": file})
        try:
            with path.open("rb") as fh:
                report = ledger_import(file=fh, dry_run=dry_run, create_units=create_units, filename=path.name)
        except LedgerError as exc:
            raise CommandError(str(exc))
        out = self.stdout
        out.write(f"共 {report.rows} 行:新增 {len(report.new)},已导入过(不变) {len(report.unchanged)},"
                  f"拒绝 {len(report.refused)}")
        for name in report.units_to_create:
            out.write(f"  将创建承办单位:{name}")
        for r in report.refused:
            self.stderr.write(f"  第 {r.row} 行:{r.reason}")
        if report.refused:
            raise CommandError(gettext("%(count)s 行被拒绝,未写入任何数据。") % {"count": len(report.refused)})
        if dry_run:
            out.write(self.style.SUCCESS("试运行通过,未写入。"))
        else:
            out.write(self.style.SUCCESS(f"已导入 {report.created} 条。"))
