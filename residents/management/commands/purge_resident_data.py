from django.core.management.base import BaseCommand

from residents.services import reports_purge_personal


class Command(BaseCommand):
    help = "删除超过保存期限的群众个人信息(与定时任务 residents.purge_personal_data 相同)"

    def handle(self, *args, **options):
        n = reports_purge_personal()
        self.stdout.write(f"已删除 {n} 件来信的个人信息")
