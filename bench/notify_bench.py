"""Notification benchmarks (issue 6): run from the repository root with

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_notify_bench REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/notify_bench.py [monthly|overdue|all]

It uses its own database (created and migrated when missing; its data is replaced on every run):

- monthly: 10,000 in-office deputies (half with a login, half reached by SMS only), 2,000 of them
  with an item for the month, 500 groups with a leader. Times `send_monthly_reminders` (rows written)
  and then `deliver_pending` (every SMS/e-mail row through the default console/log sender).
- overdue: 1,000,000 items with a lead assignment each across 40 units, 20,000 of them overdue and
  some due soon. Times `send_overdue_alerts` and the delivery of what it wrote.

Each job is also run a second time to show it writes and sends nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xs_notify_bench")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

TODAY = dt.date(2026, 11, 26)  # a Thursday, a working day


def timed(label, fn):
    t = time.perf_counter()
    result = fn()
    took = time.perf_counter() - t
    print(f"{label:<48} {took:7.2f} s   {result}")
    return took, result


def ensure_db():
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        connection.ensure_connection()
    except Exception:
        conn = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432,
                                password=db["PASSWORD"] or None)
        conn.autocommit = True
        conn.cursor().execute(f'CREATE DATABASE "{db["NAME"]}"')
        conn.close()
    call_command("migrate", verbosity=0)
    if not connection.cursor().execute("SELECT 1 FROM areas_area LIMIT 1") and not _one("SELECT count(*) FROM areas_area"):
        call_command("loaddata", "xiangshan_areas", verbosity=0)


def _one(sql, params=None):
    with connection.cursor() as c:
        c.execute(sql, params or [])
        return c.fetchone()[0]


def _exec(sql, params=None):
    with connection.cursor() as c:
        c.execute(sql, params or [])


def reset():
    _exec("TRUNCATE notifications_delivery, notifications_notification, notifications_escalation, "
          "petitions_itemevent, petitions_assignment, petitions_item_co_deputies, petitions_item, "
          "deputy_groups_groupmembership, deputy_groups_deputygroup, deputies_mandate, deputies_deputy "
          "RESTART IDENTITY CASCADE")
    _exec("DELETE FROM accounts_user_groups WHERE user_id IN (SELECT id FROM accounts_user WHERE username LIKE 'b%%')")
    _exec("DELETE FROM accounts_user WHERE username LIKE 'b%%'")


def seed_people(n=10_000, with_items=2_000):
    from areas.models import Area
    from deputies.models import CongressTerm

    area = Area.objects.get(name="东山街道")
    term, _ = CongressTerm.objects.get_or_create(level="district", number=12)
    half = n // 2
    from accounts.models import User
    from deputies.models import Deputy

    users = User.objects.bulk_create([User(username=f"b{g}", password="!", email=f"b{g}@example.cn",
                                           full_name=f"代表{g}") for g in range(1, half + 1)], batch_size=2000)
    Deputy.objects.bulk_create([Deputy(name=f"代表{g}", name_pinyin=f"daibiao{g}", mobile=f"138{g:08d}", area=area,
                                       user=users[g - 1] if g <= half else None) for g in range(1, n + 1)],
                               batch_size=2000)
    _exec("""INSERT INTO deputies_mandate (deputy_id, term_id, constituency, area_id, status, is_first_time)
             SELECT id, %s, '', %s, 'in_office', false FROM deputies_deputy""", [term.pk, area.pk])
    _exec("""INSERT INTO deputy_groups_deputygroup (name, kind, area_id, sort)
             SELECT '第' || g || '代表小组', 'district_town', %s, g FROM generate_series(1, %s) g""", [area.pk, n // 20])
    _exec("""INSERT INTO deputy_groups_groupmembership (group_id, deputy_id, role)
             SELECT (d.id - 1) / 20 + 1, d.id, CASE WHEN (d.id - 1) %% 20 = 0 THEN 'leader' ELSE 'member' END
             FROM deputies_deputy d""")
    _items(f"SELECT id FROM deputies_deputy WHERE id %% {n // with_items} = 0", state="submitted")


def _items(deputy_sql, *, state, period=None):
    period = period or TODAY.replace(day=1)
    _exec(f"""INSERT INTO petitions_item (title, content, category, address, source, on_behalf, period, state,
              created_at, updated_at, submitted_at, handling_round, reply, satisfaction, satisfaction_deemed,
              evaluation_comment, dissatisfied_count, supervised, conclusion, imported, deputy_id)
              SELECT '事项' || d.id, '', 'urban', '', 'visit', false, %s, %s, now(), now(), now(), 1, '', '', false,
                     '', 0, false, '', true, d.id FROM ({deputy_sql}) d""", [period, state])


WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def deliver_parallel():
    """Deliver as a running Celery worker with `-c 2` does (dev.py, README): two workers claiming rows
    with SKIP LOCKED side by side, each calling the sweep's own service (threads here, each with its
    own database connection; the work waits on the database, not the CPU)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from notifications.services import deliver_pending

    def one(_):
        try:
            return deliver_pending().sent
        finally:
            connections.close_all()

    with ThreadPoolExecutor(WORKERS) as pool:
        sent = sum(pool.map(one, range(WORKERS)))
    return type("R", (), {"sent": sent, "__str__": lambda self: f"{WORKERS} 个并发投递共送达 {sent} 条"})()


def bench_monthly():
    from notifications.services import deliver_pending, send_monthly_reminders

    reset()
    seed_people()
    month = TODAY.replace(day=1)
    t1, r1 = timed("monthly: send_monthly_reminders (10,000 deputies)", lambda: send_monthly_reminders(month=month))
    t2, r2 = timed("monthly: deliver (2 concurrent workers)", deliver_parallel)
    t3, r3 = timed("monthly: second run (writes nothing)", lambda: send_monthly_reminders(month=month))
    t4, r4 = timed("monthly: second delivery (sends nothing)", deliver_pending)
    assert r3.created == 0 and r4.sent == 0
    return {"rows": r1.created, "deliveries": r2.sent, "job": t1, "deliver": t2, "total": t1 + t2, "rerun": t3 + t4}


def seed_items(total=1_000_000, overdue=20_000, units=40):
    from units.models import HandlingUnit

    reset()
    from deputies.models import Deputy

    Deputy.objects.bulk_create([Deputy(name=f"代表{g}", mobile="13800000000") for g in range(1, 1001)])
    from accounts.services import user_create

    for username, role in (("bstaff", "district_staff"), ("bleader", "leader")):
        user = user_create(username=username, password="bench-only-pw-1", full_name=username, roles=[role],
                           mobile="13900000000")
        user.email = f"{username}@example.cn"
        user.save(update_fields=["email"])
    for i in range(units):
        HandlingUnit.objects.get_or_create(name=f"测试单位{i:02d}", defaults={"contact_phone": f"0561300{i:04d}"})
    unit_ids = list(HandlingUnit.objects.order_by("pk").values_list("pk", flat=True)[:units])
    # 1,000,000 items: most concluded long ago, `overdue` overdue in 办理, 5,000 due soon, the rest in 办理 later.
    _exec("""INSERT INTO petitions_item (title, content, category, address, source, on_behalf, period, state,
             created_at, updated_at, submitted_at, handling_round, reply, satisfaction, satisfaction_deemed,
             evaluation_comment, dissatisfied_count, supervised, conclusion, imported, deputy_id, stage_due)
             SELECT '事项' || g, '', 'urban', '', 'visit', false, date '2026-01-01',
                    CASE WHEN g <= %(open)s THEN 'handling' ELSE 'closed' END,
                    now(), now(), now(), 1, '', '', false, '', 0, false, '', true,
                    (SELECT min(id) FROM deputies_deputy) + (g %% 1000),
                    CASE WHEN g <= %(overdue)s THEN %(today)s::date - 1 - (g %% 20)
                         WHEN g <= %(soon)s THEN %(today)s::date + 1
                         WHEN g <= %(open)s THEN %(today)s::date + 30 END
             FROM generate_series(1, %(total)s) g""",
          {"total": total, "overdue": overdue, "soon": overdue + 5000, "open": overdue + 50_000, "today": TODAY})
    _exec("""INSERT INTO petitions_assignment (item_id, unit_id, role, round, assigned_at, due_date, extension_days,
             result, is_current, handled_at)
             SELECT i.id, (%(units)s::bigint[])[(i.id %% %(n)s) + 1], 'lead', 1, now(),
                    COALESCE(i.stage_due, date '2026-02-01'), 0,
                    '', true, CASE WHEN i.state = 'closed' THEN now() END
             FROM petitions_item i""", {"units": unit_ids, "n": len(unit_ids)})
    _exec("ANALYZE petitions_item")
    _exec("ANALYZE petitions_assignment")


def bench_overdue():
    from notifications.services import deliver_pending, send_overdue_alerts

    t0, _ = timed("overdue: seed 1,000,000 items (not timed for the result)", seed_items)
    overdue = _one("SELECT count(*) FROM petitions_assignment WHERE due_date < %s AND handled_at IS NULL", [TODAY])
    t1, r1 = timed(f"overdue: send_overdue_alerts ({overdue:,} overdue)", lambda: send_overdue_alerts(today=TODAY))
    t2, r2 = timed("overdue: deliver (2 concurrent workers)", deliver_parallel)
    t3, r3 = timed("overdue: second run (writes nothing)", lambda: send_overdue_alerts(today=TODAY))
    t4, r4 = timed("overdue: second delivery (sends nothing)", deliver_pending)
    assert r3.created == 0 and r4.sent == 0
    return {"rows": r1.created, "deliveries": r2.sent, "job": t1, "deliver": t2, "total": t1 + t2, "rerun": t3 + t4,
            "overdue": overdue}


def main():
    logging.getLogger("notifications").setLevel(logging.WARNING)  # the console sender logs each message
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    ensure_db()
    out = {}
    if which in ("monthly", "all"):
        out["monthly"] = bench_monthly()
    if which in ("overdue", "all"):
        out["overdue"] = bench_overdue()
    for name, r in out.items():
        print(f"{name}: {r['rows']:,} notifications, {r['deliveries']:,} deliveries sent; job {r['job']:.2f} s + "
              f"delivery {r['deliver']:.2f} s = {r['total']:.2f} s end to end; second run {r['rerun']:.2f} s")


if __name__ == "__main__":
    main()
