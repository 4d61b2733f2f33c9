"""`python manage.py import_roster FILE [--dry-run]`: the roster import of the web page, by hand.

Exits non-zero when the file cannot be read or any row is refused (then nothing is written).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from accounts.models import User
from deputies import importing
from deputies.services import RosterImportConflict, roster_import

ACTIONS = {"create": "新增", "update": "更新", "unchanged": "无变化", "refused": "拒绝"}


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 文件导入代表名册(--dry-run 只预览,不写入)。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件(.xlsx 或 .csv)")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将要发生的变化,不写入数据库")
        parser.add_argument("--user", help="以该账号的身份与权限导入(记入修改历史);默认为系统")
        parser.add_argument("--quiet-rows", action="store_true", help="只列出被拒绝的行")

    def handle(self, *args, file, dry_run=False, user=None, quiet_rows=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(gettext("找不到文件:%(file)s") % {"file": file})
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(gettext("没有账号 %(user)s") % {"user": user})
        try:
            importing.check_size(path.stat().st_size)
            table = importing.read_table(path.read_bytes(), path.name)
        except importing.ImportFileError as exc:
            raise CommandError(str(exc))
        rows = importing.parse_rows(table)
        try:
            report = roster_import(rows=rows, actor=actor, dry_run=dry_run)
        except RosterImportConflict as exc:
            raise CommandError(str(exc))
        for row in report.rows:
            if quiet_rows and row.action != "refused":
                continue
            detail = ";".join(row.changes) if row.action != "refused" else ";".join(
                f"{e.column}“{e.value}”:{e.reason}" for e in row.errors)
            self.stdout.write(f"第 {row.number} 行 {row.name or '-'} [{ACTIONS[row.action]}] {detail}")
        counts = report.counts
        summary = (f"共 {len(report.rows)} 行:新增 {counts['create']},更新 {counts['update']},"
                   f"无变化 {counts['unchanged']},拒绝 {counts['refused']}。")
        self.stdout.write(summary)
        if report.refused:
            raise CommandError(gettext("%(count)s 行被拒绝,未写入任何数据。请修正后重新导入。") % {"count": len(report.refused)})
        if dry_run:
            self.stdout.write("预览模式:未写入任何数据。")
        elif report.applied:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
        else:
            self.stdout.write("文件与系统中的数据一致,没有需要导入的变化。")
