"""`python manage.py stats --from YYYY-MM-DD --to YYYY-MM-DD [--area NAME] [--unit NAME] [--group NAME] --json`:
the dashboard figures as one JSON object (for automation and for checking the pages).

`python manage.py stats --suggestions --session NAME [--json]`: one session's suggestion figures
(代表建议, from suggestions/selectors.py: total, accepted, concluded, completion_rate, …)."""

import datetime
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from areas.models import Area
from groups.models import DeputyGroup
from units.models import HandlingUnit

from ...periods import Period, Scope
from ...selectors import stats


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD: {value}")


def _one(qs, name, what):
    found = list(qs.filter(name=name)[:2])
    if not found:
        raise CommandError(f"找不到{what}: {name}")
    if len(found) > 1:
        raise CommandError(f"{what}名称不唯一: {name}")
    return found[0]


class Command(BaseCommand):
    help = "按提交日期统计社情民意办理指标(两端日期都包含)。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="起始日期 YYYY-MM-DD(社情民意统计必填)")
        parser.add_argument("--to", dest="end", help="截止日期 YYYY-MM-DD(社情民意统计必填)")
        parser.add_argument("--area", help="区划名称(含下级)")
        parser.add_argument("--unit", help="承办单位名称")
        parser.add_argument("--group", help="代表小组名称")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--suggestions", action="store_true", help="统计代表建议(须同时指定 --session)")
        parser.add_argument("--session", help="会议名称,如 区人大十二届一次会议 或 2026年闭会期间")

    def handle(self, *args, start=None, end=None, area=None, unit=None, group=None, json=False,
               suggestions=False, session=None, **options):
        if suggestions:
            return self._suggestions(session, json)
        missing = [flag for flag, value in (("--from", start), ("--to", end)) if not value]
        if missing:
            raise CommandError(f"缺少参数: {', '.join(missing)}")
        start, end = _date(start), _date(end)
        if end < start:
            raise CommandError("截止日期不能早于起始日期")
        scope = Scope(
            area=_one(Area.objects.all(), area, "区划") if area else None,
            group=_one(DeputyGroup.objects.all(), group, "代表小组") if group else None,
            unit=_one(HandlingUnit.objects.all(), unit, "承办单位") if unit else None,
        )
        data = stats(Period(start, end), scope)
        if json:
            self.stdout.write(_dumps(data))
            return
        pct = lambda v: "—" if v is None else f"{v:.1f}%"  # noqa: E731
        self.stdout.write(f"{data['from']} 至 {data['to']} · {data['scope']}")
        self.stdout.write(f"收集数 {data['collected']}  办结数 {data['concluded']}  办结率 {pct(data['completion_rate'])}  "
                          f"满意率 {pct(data['satisfaction_rate'])}  按期办结率 {pct(data['on_time_rate'])}  "
                          f"逾期 {data['overdue']}  月度报送率 {pct(data['monthly_submission_rate'])}")
        for u in data["units"]:
            self.stdout.write(f"  {u['name']}: 交办 {u['assigned']} 办结 {u['concluded']} 办结率 {pct(u['completion_rate'])} "
                              f"按期 {pct(u['on_time_rate'])} 满意 {pct(u['satisfaction_rate'])} 逾期 {u['overdue']}")

    def _suggestions(self, name, json):
        from suggestions.models import Session
        from suggestions.selectors import session_stats

        if not name:
            raise CommandError("统计代表建议须指定 --session 会议名称")
        session = Session.objects.filter(name=name).first()
        if session is None:
            raise CommandError(f"找不到会议: {name}")
        data = session_stats(session)
        if json:
            self.stdout.write(_dumps(data))
            return
        pct = lambda v: "—" if v is None else f"{v:.1f}%"  # noqa: E731
        self.stdout.write(f"{session.name}:登记 {data['total']}  立案 {data['accepted']}  办结 {data['concluded']}  "
                          f"办结率 {pct(data['completion_rate'])}  办理工作满意率 {pct(data['work_satisfaction_rate'])}  "
                          f"办理结果满意率 {pct(data['result_satisfaction_rate'])}  按期答复率 {pct(data['on_time_rate'])}")
        self.stdout.write("  " + "  ".join(f"{c} 类 {n}" for c, n in data["classes"].items()))
        for u in data["units"]:
            self.stdout.write(f"  {u['name']}: 交办 {u['assigned']} 办结 {u['concluded']} 办结率 {pct(u['completion_rate'])}")


def _dumps(data) -> str:
    return jsonlib.dumps(data, ensure_ascii=False)
