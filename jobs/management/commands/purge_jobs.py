from django.core.management.base import BaseCommand

from jobs.services import jobs_purge


class Command(BaseCommand):
    help = "删除超过保存期限(JOB_KEEP_HOURS)的后台任务结果文件,并重新发送排队过久的任务。"

    def handle(self, *args, **options):
        self.stdout.write(f"expired: {jobs_purge()}")
