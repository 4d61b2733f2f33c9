from django.core.management.base import BaseCommand

from audit.services import retention_days, security_events_purge


class Command(BaseCommand):
    help = "删除超过保存期限(AUDIT_RETENTION_DAYS,至少180天)的安全审计记录。"

    def handle(self, *args, **options):
        removed = security_events_purge()
        self.stdout.write(f"已删除 {removed} 条超过 {retention_days()} 天的安全审计记录。")
