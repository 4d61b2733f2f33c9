"""`python manage.py dashboard_bench_data`: a city-sized load for the dashboard benchmark (bench/).

10,000 deputies, 200 units, 1,000,000 items over 5 years in realistic states (older items mostly
concluded; recent ones spread over 研处/办理/评价; some overdue), with their lead assignments.
Deputies, groups and units go through bulk_create; items and assignments are generated inside
PostgreSQL with one INSERT … SELECT generate_series each, so a million rows take minutes.
Timeline rows (ItemEvent) are not generated: no dashboard figure reads them.

Refuses to run on a database whose name does not contain "bench" (unless --force): it is meant for
a throw-away database such as xs_bench.
"""

import datetime
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from areas.models import Area
from deputies.choices import Level, MandateStatus
from deputies.models import CongressTerm, Deputy, Mandate
from groups.choices import GroupKind, MemberRole
from groups.models import DeputyGroup, GroupMembership
from petitions.models import Assignment, Item
from units.models import HandlingUnit

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉宇浩凯健俊帆鹏飞云峰成林海波宁"


class Command(BaseCommand):
    help = "生成压力测试数据(1万名代表、200个承办单位、100万条社情民意,5年)。仅用于 bench 数据库。"

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=1_000_000)
        parser.add_argument("--deputies", type=int, default=10_000)
        parser.add_argument("--units", type=int, default=200)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--force", action="store_true", help="数据库名不含 bench 时也执行")

    def handle(self, *args, items, deputies, units, years, force=False, **options):
        name = connection.settings_dict["NAME"]
        if "bench" not in name and not force:
            raise CommandError(f"数据库 {name} 不是 bench 数据库;确认无误请加 --force")
        if Item.objects.exists():
            raise CommandError("数据库中已有社情民意,请使用空的 bench 数据库。")
        t0 = time.monotonic()
        if not Area.objects.exists():
            call_command("loaddata", "xiangshan_areas", verbosity=0)
        with transaction.atomic():
            self._roster(deputies, units)
            self.stdout.write(f"名册: {time.monotonic() - t0:.1f}s")
            self._items(items, years)
            self._a_page_each()
        self.stdout.write(f"事项与交办: {time.monotonic() - t0:.1f}s")
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Item._meta.db_table}; ANALYZE {Assignment._meta.db_table}; "
                           f"ANALYZE {Deputy._meta.db_table}; ANALYZE {Mandate._meta.db_table}")
        self.stdout.write(self.style.SUCCESS(
            f"完成: {Deputy.objects.count()} 名代表, {HandlingUnit.objects.count()} 个承办单位, "
            f"{Item.objects.count()} 条事项, {Assignment.objects.count()} 条交办记录, {time.monotonic() - t0:.1f}s"))

    def _roster(self, n_deputies, n_units):
        towns = list(Area.objects.towns().order_by("sort", "pk"))
        today = timezone.localdate()
        term = CongressTerm.objects.get_or_create(level=Level.DISTRICT, number=12,
                                                  defaults={"start_year": today.year - 4, "end_year": today.year})[0]
        HandlingUnit.objects.bulk_create(
            [HandlingUnit(name=f"承办单位{i:03d}", short_name=f"单位{i:03d}", sort=i) for i in range(1, n_units + 1)],
            ignore_conflicts=True)
        people = []
        for i in range(n_deputies):
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + \
                (GIVEN[(i * 7) % len(GIVEN)] if i % 3 else "")
            people.append(Deputy(name=name, area=towns[i % len(towns)]))
        Deputy.objects.bulk_create(people, batch_size=2000)
        people = list(Deputy.objects.order_by("pk"))
        start = datetime.date(today.year - years_back(), 1, 1)
        Mandate.objects.bulk_create(
            [Mandate(deputy=d, term=term, area_id=d.area_id, start_date=start,
                     status=MandateStatus.IN_OFFICE if i % 50 else MandateStatus.RESIGNED)
             for i, d in enumerate(people)], batch_size=2000)
        groups = [DeputyGroup(name=f"{t.name}区人大代表小组{k}", kind=GroupKind.DISTRICT_TOWN, area=t, sort=k)
                  for t in towns for k in (1, 2)]
        DeputyGroup.objects.bulk_create(groups)
        groups = list(DeputyGroup.objects.order_by("pk"))
        by_town = {}
        for g in groups:
            by_town.setdefault(g.area_id, []).append(g)
        GroupMembership.objects.bulk_create(
            [GroupMembership(group=by_town[d.area_id][i % 2], deputy=d,
                             role=MemberRole.LEADER if i < 2 * len(towns) else MemberRole.MEMBER)
             for i, d in enumerate(people)], batch_size=2000)

    def _items(self, n_items, years):
        today = timezone.localdate()
        first = datetime.date(today.year - years + 1, 1, 1)
        span = (today - first).days
        item, assignment = Item._meta.db_table, Assignment._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'Asia/Shanghai'")
            cursor.execute("""
                CREATE TEMP TABLE bench_dep ON COMMIT DROP AS
                SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id, area_id FROM deputies_deputy;
                CREATE TEMP TABLE bench_unit ON COMMIT DROP AS
                SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id FROM units_handlingunit;
            """)
            cursor.execute("SELECT count(*) FROM bench_dep")
            n_dep = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM bench_unit")
            n_unit = cursor.fetchone()[0]
            # s: one row per item with its random draws; the state depends on the item's age.
            cursor.execute(f"""
                INSERT INTO {item} (title, content, category, area_id, address, source, deputy_id, on_behalf,
                    period, state, created_at, updated_at, submitted_at, stage_due, lead_unit_id, handling_round,
                    reply, replied_at, evaluation_due, satisfaction, satisfaction_deemed, evaluation_comment,
                    evaluated_at, dissatisfied_count, supervised, concluded_at, conclusion, imported)
                SELECT '社情民意 ' || g, '', (ARRAY['economy','ecology','urban','livelihood','governance','other'])[1 + (g %% 6)],
                    d.area_id, '', 'visit', d.id, false,
                    date_trunc('month', sub)::date, st, sub, sub, sub,
                    CASE WHEN st IN ('submitted','research') THEN (sub + interval '7 days')::date
                         WHEN st = 'handling' THEN (sub + interval '25 days')::date END,
                    CASE WHEN st IN ('handling','review','evaluation','supervision') OR (st = 'closed' AND NOT rej)
                         THEN u.id END,
                    CASE WHEN st IN ('handling','review','evaluation','supervision') OR (st = 'closed' AND NOT rej)
                         THEN 1 ELSE 0 END,
                    '', CASE WHEN st IN ('evaluation','closed') THEN sub + interval '20 days' END,
                    CASE WHEN st = 'evaluation' THEN (sub + interval '27 days')::date END,
                    CASE WHEN st = 'closed' AND NOT rej THEN (CASE WHEN r3 < 0.82 THEN 'satisfied' WHEN r3 < 0.96 THEN 'basic'
                         ELSE 'dissatisfied' END) ELSE '' END,
                    st = 'closed' AND NOT rej AND r3 < 0.2, '',
                    CASE WHEN st = 'closed' AND NOT rej THEN sub + interval '24 days' END,
                    CASE WHEN st = 'closed' AND NOT rej AND r3 >= 0.96 THEN 1 ELSE 0 END,
                    st = 'closed' AND NOT rej AND r3 >= 0.96,
                    CASE WHEN st = 'closed' THEN sub + interval '24 days' END,
                    CASE WHEN st <> 'closed' THEN '' WHEN rej THEN 'rejected' WHEN r3 >= 0.96 THEN 'supervised'
                         WHEN r3 < 0.2 THEN 'deemed' ELSE 'evaluated' END,
                    true
                FROM (
                    SELECT g, sub, r3, rej, CASE
                        WHEN age > 60 THEN (CASE WHEN r1 < 0.935 THEN 'closed' WHEN r1 < 0.955 THEN 'evaluation'
                            WHEN r1 < 0.97 THEN 'handling' WHEN r1 < 0.98 THEN 'research' WHEN r1 < 0.985 THEN 'review'
                            WHEN r1 < 0.993 THEN 'withdrawn' ELSE 'merged' END)
                        WHEN age > 15 THEN (CASE WHEN r1 < 0.6 THEN 'closed' WHEN r1 < 0.8 THEN 'handling'
                            WHEN r1 < 0.9 THEN 'evaluation' WHEN r1 < 0.95 THEN 'research' WHEN r1 < 0.98 THEN 'review'
                            ELSE 'withdrawn' END)
                        ELSE (CASE WHEN r1 < 0.2 THEN 'submitted' WHEN r1 < 0.5 THEN 'research'
                            WHEN r1 < 0.9 THEN 'handling' ELSE 'draft' END)
                        END AS st
                    FROM (
                        SELECT g, random() AS r1, random() AS r3, random() < 0.04 AS rej,
                            %s::timestamptz + (random() * %s) * interval '1 day' AS sub
                        FROM generate_series(1, %s) AS g
                    ) raw, LATERAL (SELECT (%s::date - sub::date) AS age) a
                ) s
                JOIN bench_dep d ON d.idx = (g::bigint * 7919) %% %s
                JOIN bench_unit u ON u.idx = (g::bigint * 104729) %% %s
                ORDER BY sub  -- rows land on disk in submission order, as they do in a live system
            """, [datetime.datetime.combine(first, datetime.time(8), tzinfo=timezone.get_current_timezone()),
                  span, n_items, today, n_dep, n_unit])
            # Drafts have no submission yet.
            cursor.execute(f"UPDATE {item} SET submitted_at = NULL, period = date_trunc('month', created_at)::date "
                           f"WHERE state = 'draft'")
            cursor.execute(f"""
                INSERT INTO {assignment} (item_id, unit_id, role, round, assigned_at, due_date, extension_days,
                    handled_at, result, is_current)
                SELECT id, lead_unit_id, 'lead', 1, submitted_at + interval '3 days', (submitted_at + interval '25 days')::date,
                    0, CASE WHEN state IN ('review','evaluation','closed','supervision')
                            THEN submitted_at + (random() * 30) * interval '1 day' END, '', true
                FROM {item} WHERE lead_unit_id IS NOT NULL
            """)

    def _a_page_each(self, rows: int = 25):
        """The first deputy and the first unit are the benchmark's (bench/peer_bench.py): each is given at
        least a list page of items — the deputy's own, the unit's open assignments — so that a small
        database is measured on the same page as a large one, not on an empty list (a thousand items
        spread over 10,000 deputies leave the first one none). A large database already has them."""
        item, assignment = Item._meta.db_table, Assignment._meta.db_table
        deputy = Deputy.objects.order_by("pk").values("pk", "area_id").first()
        unit = HandlingUnit.objects.order_by("pk").values_list("pk", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute(f"""
                UPDATE {item} SET deputy_id = %s, area_id = %s WHERE id IN (
                    SELECT id FROM {item} WHERE deputy_id <> %s AND state <> 'draft' ORDER BY submitted_at DESC
                    LIMIT greatest(0, %s - (SELECT count(*) FROM {item} WHERE deputy_id = %s)))
            """, [deputy["pk"], deputy["area_id"], deputy["pk"], rows, deputy["pk"]])
            opened = f"""
                SELECT a.id FROM {assignment} a JOIN {item} i ON i.id = a.item_id
                WHERE i.state = 'handling' AND a.is_current AND a.handled_at IS NULL AND a.cancelled_at IS NULL"""
            cursor.execute(f"""
                WITH moved AS (
                    UPDATE {assignment} SET unit_id = %s WHERE id IN ({opened} AND a.unit_id <> %s ORDER BY a.id DESC
                        LIMIT greatest(0, %s - (SELECT count(*) FROM ({opened} AND a.unit_id = %s) mine)))
                    RETURNING item_id)
                UPDATE {item} SET lead_unit_id = %s WHERE id IN (SELECT item_id FROM moved)
            """, [unit, unit, rows, unit, unit])


def years_back() -> int:
    return 5
