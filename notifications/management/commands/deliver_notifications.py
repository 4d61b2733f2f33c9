from django.core.management.base import BaseCommand

from notifications.services import deliver_pending


class Command(BaseCommand):
    help = "投递所有待发送的通知(与每分钟运行的补发任务相同)。"

    def handle(self, *args, **options):
        self.stdout.write(f"投递:{deliver_pending()}")
