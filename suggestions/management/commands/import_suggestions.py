"""`python manage.py import_suggestions FILE [--dry-run] [--create-units]`: historical suggestions.

All or nothing; exits non-zero naming each refused row; importing the same file twice changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from ...importing import ImportFileError, suggestions_import


class Command(BaseCommand):
    help = "导入历史代表建议(.xlsx):全部通过才写入;按(会议, 案号)去重,重复导入不会重复创建。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查,不写入")
        parser.add_argument("--create-units", action="store_true", help="自动创建文件中不存在的承办单位")

    def handle(self, *args, file, dry_run=False, create_units=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(gettext("文件不存在:%(file)s") % {"file": file})
        try:
            with path.open("rb") as fh:
                report = suggestions_import(file=fh, dry_run=dry_run, create_units=create_units,
                                            filename=path.name)
        except ImportFileError as exc:
            raise CommandError(str(exc))
        out = self.stdout
        out.write(gettext("共 %(rows)s 行:新增 %(new)s,已导入过(不变) %(same)s,拒绝 %(refused)s") % {
            "rows": report.rows, "new": len(report.new), "same": len(report.unchanged),
            "refused": len(report.refused)})
        for name in report.sessions_to_create:
            out.write(gettext("  将创建会议:%(name)s") % {"name": name})
        for name in report.units_to_create:
            out.write(gettext("  将创建承办单位:%(name)s") % {"name": name})
        for r in report.refused:
            self.stderr.write(gettext("  第 %(row)s 行:%(reason)s") % {"row": r.row, "reason": r.reason})
        if report.refused:
            raise CommandError(gettext("%(count)s 行被拒绝,未写入任何数据。") % {"count": len(report.refused)})
        if dry_run:
            out.write(self.style.SUCCESS(gettext("试运行通过,未写入。")))
        else:
            out.write(self.style.SUCCESS(gettext("已导入 %(n)s 条。") % {"n": report.created}))
