from notifications.services import close_unevaluated

from ._base import JobCommand, parse_date


class Command(JobCommand):
    help = "逾期未评价视为满意:将评价期已过的答复视为满意并办结。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--date", help="YYYY-MM-DD,默认今天")

    def handle(self, *args, **options):
        self.finish(close_unevaluated(today=parse_date(options["date"])), options)
