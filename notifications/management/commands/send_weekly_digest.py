from notifications.services import send_weekly_digest

from ._base import JobCommand, parse_date


class Command(JobCommand):
    help = "每周简报:向领导发送上周数据和办结率最低的五个单位,向各单位发送本单位数据。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--date", help="YYYY-MM-DD,默认今天")

    def handle(self, *args, **options):
        self.finish(send_weekly_digest(today=parse_date(options["date"])), options)
