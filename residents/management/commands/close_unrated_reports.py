import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from residents.services import reports_close_unrated


class Command(BaseCommand):
    help = "将评价期限已过仍未评价的群众来信按“未评价”办结(与定时任务 residents.close_unrated 相同)"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日计算(YYYY-MM-DD),默认今天")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD") from None
        n = reports_close_unrated(today=today)
        self.stdout.write(f"已按“未评价”办结 {n} 件来信")
