"""A plain recount in Python, written from DOMAIN.md's definitions independently of the selectors."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from petitions.models import Assignment, Item


def pct(n, d):
    if not d:
        return None
    return float((Decimal(n) * 100 / Decimal(d)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def recount(start: datetime.date, end: datetime.date, today: datetime.date, *, area_names=None, unit=None) -> dict:
    items = []
    for it in Item.objects.all():
        if it.submitted_at is None or it.state in ("draft", "withdrawn", "merged"):
            continue
        if not start <= timezone.localtime(it.submitted_at).date() <= end:
            continue
        if area_names is not None and (it.area is None or it.area.name not in area_names):
            continue
        if unit is not None and not it.assignments.filter(unit=unit, role="lead", is_current=True,
                                                          cancelled_at__isnull=True).exists():
            continue
        items.append(it)
    ids = {it.pk for it in items}
    concluded = [it for it in items if it.state == "closed"]
    evaluated = [it for it in items if it.evaluated_at is not None]
    satisfied = [it for it in evaluated if it.satisfaction in ("satisfied", "basic")]
    overdue = [it for it in items if it.state in ("submitted", "research", "handling") and it.stage_due
               and it.stage_due < today]
    ended = [a for a in Assignment.objects.filter(role="lead", cancelled_at__isnull=True, handled_at__isnull=False)
             if a.item_id in ids and (unit is None or a.unit_id == unit.pk)]
    on_time = [a for a in ended if timezone.localtime(a.handled_at).date() <= a.due_date]
    units = {}
    for a in Assignment.objects.filter(role="lead", cancelled_at__isnull=True, is_current=True).select_related("unit", "item"):
        if a.item_id not in ids or (unit is not None and a.unit_id != unit.pk):
            continue
        u = units.setdefault(a.unit.name, {"assigned": 0, "concluded": 0, "evaluated": 0, "satisfied": 0,
                                           "overdue": 0, "ended": 0, "on_time": 0})
        u["assigned"] += 1
        u["concluded"] += a.item.state == "closed"
        u["evaluated"] += a.item.evaluated_at is not None
        u["satisfied"] += a.item.evaluated_at is not None and a.item.satisfaction in ("satisfied", "basic")
        u["overdue"] += a.item.state == "handling" and a.handled_at is None and a.due_date < today
    for a in ended:
        u = units.get(a.unit.name)
        if u is not None:
            u["ended"] += 1
            u["on_time"] += timezone.localtime(a.handled_at).date() <= a.due_date
    return {
        "collected": len(items), "concluded": len(concluded),
        "completion_rate": pct(len(concluded), len(items)),
        "satisfaction_rate": pct(len(satisfied), len(evaluated)),
        "on_time_rate": pct(len(on_time), len(ended)),
        "overdue": len(overdue),
        "units": {name: {"assigned": u["assigned"], "concluded": u["concluded"],
                         "completion_rate": pct(u["concluded"], u["assigned"]),
                         "on_time_rate": pct(u["on_time"], u["ended"]),
                         "satisfaction_rate": pct(u["satisfied"], u["evaluated"]), "overdue": u["overdue"]}
                  for name, u in units.items()},
    }
