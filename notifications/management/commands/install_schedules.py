from django.core.management.base import BaseCommand

from notifications.schedules import DEFAULT_SCHEDULES, install


class Command(BaseCommand):
    help = "安装默认的定时任务(已存在的保持管理员的设置不变)。"

    def handle(self, *args, **options):
        created = install()
        for name, *_rest in DEFAULT_SCHEDULES:
            self.stdout.write(f"{'新建' if name in created else '已存在'}:{name}")
