import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext

from notifications.services import send_monthly_reminders

from ._base import JobCommand


class Command(JobCommand):
    help = "月度报送提醒:提醒当月尚未报送社情民意的在任代表,并向小组组长发送未报送名单。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--month", help="YYYY-MM,默认本月")

    def handle(self, *args, **options):
        if options["month"]:
            try:
                month = dt.date.fromisoformat(options["month"] + "-01")
            except ValueError:
                raise CommandError(gettext("月份格式应为 YYYY-MM:%(value)s") % {"value": options["month"]})
        else:
            month = timezone.localdate().replace(day=1)
        self.finish(send_monthly_reminders(month=month), options)
