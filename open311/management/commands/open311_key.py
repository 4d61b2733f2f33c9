"""manage.py open311_key create NAME | revoke NAME | list: the api_keys of Open311 partner apps."""

from django.core.management.base import BaseCommand, CommandError

from core.loops import LoopError
from open311 import services
from open311.models import Partner


class Command(BaseCommand):
    help = "管理 Open311 合作方的 api_key:create NAME(只显示一次)、revoke NAME、list。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("name", nargs="?", default="")

    def handle(self, *args, action, name, **options):
        if action == "list":
            for p in Partner.objects.all():
                state = "有效" if p.is_active else f"已停用 {p.revoked_at:%Y-%m-%d %H:%M}"
                self.stdout.write(f"{p.name}\t{p.key_prefix}…\t{state}")
            return
        if not name:
            raise CommandError("请写出合作方名称。")
        if action == "create":
            try:
                issued = services.partner_create(name=name)
            except LoopError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"合作方“{issued.partner.name}”的 api_key(只显示这一次):")
            self.stdout.write(issued.key)
            return
        partner = Partner.objects.filter(name=name).first()
        if partner is None:
            raise CommandError(f"没有名为“{name}”的合作方。")
        if not services.partner_revoke(partner=partner):
            raise CommandError(f"合作方“{name}”的 api_key 已经停用。")
        self.stdout.write(f"已停用合作方“{name}”的 api_key。")
