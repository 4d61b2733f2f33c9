"""`python manage.py expire_suggestion_evaluations [--date YYYY-MM-DD]`: answered suggestions whose
evaluation window has passed are recorded 未表态 (not deemed satisfied) and concluded. Idempotent."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from ...services import expire_due_evaluations


class Command(BaseCommand):
    help = "评价期限已过的代表建议记为“未表态”并办结(不视为满意);重复运行不会重复处理。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期判断(默认今天)YYYY-MM-DD")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(gettext("日期格式应为 YYYY-MM-DD:%(v)s") % {"v": date})
        n = expire_due_evaluations(today=today)
        self.stdout.write(gettext("已记为未表态:%(n)s 件") % {"n": n})
