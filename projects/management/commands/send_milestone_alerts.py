"""`python manage.py send_milestone_alerts [--date YYYY-MM-DD]`: the projects' milestone alerts by hand (the
same service the morning job runs; a second run the same day sends nothing twice)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from ...services import send_milestone_alerts


class Command(BaseCommand):
    help = "向责任单位发送民生实事项目节点逾期和即将到期提醒(非工作日不发送;同一天重复运行不会重复发送)。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期判断(默认今天)YYYY-MM-DD")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(gettext("日期格式应为 YYYY-MM-DD:%(v)s") % {"v": date}) from None
        n = send_milestone_alerts(today=today)
        self.stdout.write(gettext("新建通知 %(n)s 条(已存在的不重复发送)。") % {"n": n})
