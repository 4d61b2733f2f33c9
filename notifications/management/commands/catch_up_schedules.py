from django.core.management.base import BaseCommand

from notifications.periodic import catch_up_missed


class Command(BaseCommand):
    help = "补运行:消息队列中断期间错过的定时任务,按本期补运行一次(每分钟由定时任务自动执行)。"

    def handle(self, *args, **options):
        ran = catch_up_missed()
        self.stdout.write("补运行:" + "、".join(ran) if ran else "没有错过的定时任务。")
