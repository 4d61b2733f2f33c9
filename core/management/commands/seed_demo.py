"""`python manage.py seed_demo`: idempotent demo data for every app, in dependency order."""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each step is `<app>.demo.seed(out)`; apps that do not exist yet are skipped.
STEPS = ["areas", "units", "deputies", "groups", "accounts", "petitions", "activities",
         "notifications", "assessments", "suggestions", "projects", "publicity", "liaison", "residents", "points"]


class Command(BaseCommand):
    help = "创建演示数据(可重复执行)。生产环境禁用。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="已有演示数据时不再重复加载,只打印演示账号。")

    def handle(self, *args, if_empty=False, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError("生产环境不允许创建演示数据与演示账号 (DEMO_ACCOUNTS is off).")
        from accounts.models import User

        if not (if_empty and User.objects.filter(username="staff").exists()):
            for app in STEPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name in (app, f"{app}.demo"):
                        continue
                    raise
                with transaction.atomic():
                    module.seed(self.stdout)
        from accounts.demo import summary

        self.stdout.write(self.style.SUCCESS("演示账号(密码相同):"))
        for username, roles, password in summary():
            self.stdout.write(f"  {username:<10} {password}  {roles}")
