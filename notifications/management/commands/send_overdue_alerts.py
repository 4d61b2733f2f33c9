from notifications.services import send_overdue_alerts

from ._base import JobCommand, parse_date


class Command(JobCommand):
    help = "逾期预警:向承办单位发送即将逾期与已逾期事项,向工作人员发送逾期汇总,超期过久的升级至领导(非工作日不发送)。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--date", help="YYYY-MM-DD,默认今天")

    def handle(self, *args, **options):
        self.finish(send_overdue_alerts(today=parse_date(options["date"])), options)
