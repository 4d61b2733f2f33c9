"""Shared bits of the job commands: each runs the same service as its Celery task and prints what it did."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext


def parse_date(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(gettext("日期格式应为 YYYY-MM-DD:%(value)s") % {"value": value})


class JobCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--deliver", action="store_true",
                            help="在本进程内立即投递新通知(默认交给 Celery worker 投递)。")

    def finish(self, result, options) -> None:
        self.stdout.write(str(result))
        if options.get("deliver"):
            from notifications.services import deliver_pending

            self.stdout.write(f"投递:{deliver_pending()}")
