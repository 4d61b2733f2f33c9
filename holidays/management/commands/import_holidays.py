"""`python manage.py import_holidays FILE --year 2027 [--dry-run] [--user NAME]`: the 节假日安排 import of the
web page, by hand. The file replaces the year's entered schedule, all or nothing; exits non-zero when the
file cannot be read or any row is refused (then nothing is written)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from accounts.models import User
from holidays import importing, selectors, services


class Command(BaseCommand):
    help = "从 .xlsx 文件导入某一年的节假日安排(替换该年已录入的安排;--dry-run 只检查,不写入)。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="节假日安排文件(.xlsx,表头:类型、名称、开始日期、结束日期)")
        parser.add_argument("--year", type=int, required=True, help="安排所属年份,如 2027")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将导入的内容,不写入数据库")
        parser.add_argument("--user", help="记入修改记录的账号;默认为系统")

    def handle(self, *args, file, year, dry_run=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(gettext("找不到文件:%(file)s") % {"file": file})
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(gettext("没有账号 %(user)s") % {"user": user})
        try:
            rows = importing.read_rows(path.read_bytes())
        except importing.ImportFileError as exc:
            raise CommandError(str(exc))
        parsed = importing.parse(rows, year=year, others=selectors.stored_entries(exclude_year=year))
        for number, data in parsed.entries:
            self.stdout.write(f"第 {number} 行 [{'节假日' if data['kind'] == 'holiday' else '调休上班'}] "
                              f"{data['name']} {data['start']:%Y-%m-%d} 至 {data['end']:%Y-%m-%d}")
        for r in parsed.refusals:
            self.stdout.write(f"第 {r.row} 行 [拒绝] “{r.column}”列“{r.value}”:{r.reason}")
        if not parsed.ok:
            raise CommandError(gettext("%(n)s 处被拒绝,未写入任何数据。请修正后重新导入。") % {"n": len(parsed.refusals)})
        if dry_run:
            self.stdout.write(gettext("试运行:可导入 %(n)s 项,未写入任何数据。") % {"n": len(parsed.entries)})
            return
        try:
            count = services.calendar_year_replace(year=year, entries=[d for _n, d in parsed.entries], actor=actor,
                                                   reason=services.import_reason(path.name))
        except services.CalendarRefused as exc:
            raise CommandError(str(exc))
        self.stdout.write(gettext("已导入 %(year)s 年的节假日安排,共 %(n)s 项。") % {"year": year, "n": count})
