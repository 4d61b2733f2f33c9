"""Roster benchmark: importing 10,000 rows (dry run + apply) and the roster list over 10,000 deputies.

Targets (issue 3): import dry run plus apply under 20 s; the list under 50 ms with a fixed number of
SQL queries whatever the page size. The workbook is saved as Excel and WPS save it (text in the
shared-strings table); openpyxl itself writes inline strings, so the file is rewritten after saving,
and reading the inline-strings original is timed on its own line. Every line records the 1-minute load
average when it was measured: the machine is shared. Run against an empty scratch database (it is
flushed first):

    createdb xs_roster_bench
    DJANGO_SETTINGS_MODULE=xiangshan.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_roster_bench \\
        .venv/bin/python bench/roster_bench.py

and copy the printed table into bench/RESULTS.md (section "Roster").
"""

import datetime
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ROWS = 10_000
AREAS = ["渠沟镇", "相南街道", "东街道", "西街道", "东山街道", "任圩街道", "南黎街道", "曲阳街道", "三堤口街道",
         "相山经济开发区", "周庄社区", "寇湾社区", "吕庄村"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建国", "海燕"]


def workbook() -> bytes:
    """The roster as openpyxl writes it: every text cell an inline string."""
    from deputies.importing import COLUMNS, id_check_digit

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "代表名册"
    ws.append([label for _k, label, _v in COLUMNS])
    base = datetime.date(1960, 1, 1)
    for i in range(ROWS):
        birth = base + datetime.timedelta(days=i % 9000)
        male = i % 3 != 0
        seq = f"{(i // 9000) * 2 + (1 if male else 0):03d}"
        first17 = f"340603{birth:%Y%m%d}{seq}"
        level = ("市", "区", "镇")[i % 3]
        area = "渠沟镇" if level == "镇" else AREAS[i % len(AREAS)]
        ws.append([
            SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)], "男" if male else "女", "汉族",
            f"{birth.year}.{birth.month:02d}", ("中共党员", "群众", "民盟")[i % 3], "大学本科", f"测试单位{i % 300}职员",
            "专业技术人员", f"139{i:08d}", first17 + id_check_digit(first17), level,
            {"市": "十七届", "区": "十二届", "镇": "八届"}[level], f"{area}第{i % 12 + 1}选区", area,
            f"测试{level}代表小组{i % 20 + 1}", "组长" if i < 60 else "成员", "是" if i % 2 else "否",
        ])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main():
    from accounts.choices import Role
    from accounts.services import user_create
    from deputies import importing
    from deputies.models import Deputy
    from deputies.services import roster_import

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to flush database {name!r}: use a scratch database whose name contains 'bench'")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", "xiangshan_areas", verbosity=0)
    staff = user_create(username="bench-staff", password="x", roles=[Role.DISTRICT_STAFF])

    from tests.deputies.workbooks import as_excel_saves

    inline = workbook()
    data = as_excel_saves(inline)
    results = []

    def timed(fn):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        return value, time.perf_counter() - wall, time.process_time() - cpu

    def load() -> float:
        return os.getloadavg()[0]

    def parse(content=data):
        return importing.parse_rows(importing.read_table(content, "bench.xlsx"))

    _rows, t_parse, c_parse = timed(parse)
    results.append(("import 10,000 rows: read + parse (xlsx as Excel saves it, %.1f MB)" % (len(data) / 1e6), t_parse,
                    None, c_parse, load()))
    _rows, t_inline, c_inline = timed(lambda: parse(inline))
    results.append(("import 10,000 rows: read + parse (xlsx as openpyxl saves it, inline strings, %.1f MB)"
                    % (len(inline) / 1e6), t_inline, None, c_inline, load()))
    report, t_dry, c_dry = timed(lambda: roster_import(rows=parse(), actor=staff, dry_run=True))
    assert not report.refused, report.refused[:3]
    results.append(("import 10,000 rows: dry run (read, parse, plan)", t_dry, None, c_dry, load()))
    report, t_apply, c_apply = timed(lambda: roster_import(rows=parse(), actor=staff, dry_run=False))
    assert report.applied and Deputy.objects.count() == ROWS
    results.append(("import 10,000 rows: apply (read, parse, plan, write with history)", t_apply, None, c_apply,
                    load()))
    results.append(("**import 10,000 rows: dry run + apply**", t_dry + t_apply, None, c_dry + c_apply, load()))
    report, t_again, c_again = timed(lambda: roster_import(rows=parse(), actor=staff, dry_run=False))
    assert not report.applied and report.count("unchanged") == ROWS
    results.append(("re-import the same 10,000 rows (nothing changes)", t_again, None, c_again, load()))
    changed = importing.parse_rows(importing.read_table(data, "bench.xlsx"))
    for row in changed:
        row.values["mobile"] = "137" + row.values["mobile"][3:]
        row.values["constituency"] += "(新)"
    report, t_changed, c_changed = timed(lambda: roster_import(rows=changed, actor=staff, dry_run=False))
    assert report.applied and report.count("update") == ROWS
    results.append(("re-import with every row changed (mobile, constituency; plan + write)", t_changed, None,
                    c_changed, load()))

    # What autovacuum does shortly after a large import (this server runs with autovacuum off): fresh
    # statistics and visibility maps, so the planner sees the table as it will be in use.
    connection.cursor().execute("VACUUM ANALYZE")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    for label, params in (("roster list, 25 per page", {"per_page": 25}),
                          ("roster list, 100 per page", {"per_page": 100}),
                          ("roster list, page 40 of 100 per page", {"per_page": 100, "page": 40}),
                          ("roster list, pinyin search 'zw'", {"q": "zw"}),
                          ("roster list, level + area + party filters", {"level": "district", "party": "cpc",
                                                                         "area": 6})):
        client.get("/deputies/", params)  # warm up
        times, cpu = [], []
        for _ in range(20):
            with CaptureQueriesContext(connection) as ctx:
                t, c = time.perf_counter(), time.process_time()
                response = client.get("/deputies/", params)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            assert response.status_code == 200
        results.append((label, statistics.median(times), len(ctx.captured_queries), statistics.median(cpu), load()))

    print(f"# Roster benchmark — {datetime.date.today():%Y-%m-%d}, {platform.node()}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"PostgreSQL {connection.pg_version // 10000}")
    print()
    print("| measurement | wall time | Python CPU time | SQL queries | load average |")
    print("| --- | ---: | ---: | ---: | ---: |")

    def show(seconds):
        return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"

    for label, seconds, queries, cpu_seconds, load_average in results:
        print(f"| {label} | {show(seconds)} | {show(cpu_seconds)} | {'' if queries is None else queries} "
              f"| {load_average:.1f} |")


if __name__ == "__main__":
    main()
