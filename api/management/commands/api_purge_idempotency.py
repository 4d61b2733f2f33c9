from django.conf import settings
from django.core.management.base import BaseCommand

from api.services import idempotency_purge


class Command(BaseCommand):
    help = "删除超过保存期限(API_IDEMPOTENCY_HOURS)的接口幂等请求记录。"

    def handle(self, *args, **options):
        removed = idempotency_purge()
        self.stdout.write(f"已删除 {removed} 条超过 {settings.API_IDEMPOTENCY_HOURS} 小时的幂等请求记录。")
