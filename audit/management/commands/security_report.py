import json

from django.core.management.base import BaseCommand

from audit.report import controls


class Command(BaseCommand):
    help = "列出等保2.0与个人信息保护各项控制措施的配置和状态(议题17);--json 输出机器可读结果。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--skip-deploy-check", action="store_true", help="不运行 check --deploy")

    def handle(self, *args, **options):
        rows = controls(deploy_check=not options["skip_deploy_check"])
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
            return
        for r in rows:
            mark = "✓" if r.ok else "✗"
            self.stdout.write(f"{mark} {r.name}: {r.value}  [{r.setting}]")
        self.stdout.write(f"{sum(r.ok for r in rows)}/{len(rows)} 项符合要求")
