"""Item export benchmark (issue 16): up to 20,000 rows streamed at once, more as a background job.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_bench REDIS_URL=redis://127.0.0.1:6379/9
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py dashboard_bench_data
    .venv/bin/python bench/export_bench.py [--month 2025-06] [--compare 100000] [--skip-job]

As district staff, on whatever DATABASE_URL holds:
1. the streamed export of one month's items (the list filtered by 月份, under JOB_EXPORT_ROWS): time to the
   first chunk, total time, rows, and how many chunks the response came in;
2. the whole list (every item) asked from the page: the time of that web request (it only starts a job);
3. that job run by `jobs.services.job_run` in a process of its own, as the Celery worker runs it: wall
   time, rows, file size and the process's peak resident memory (ru_maxrss);
4. `--compare N`: the first N export rows written by openpyxl (write-only), by XlsxWriter
   (constant_memory: as the job wrote them before, and tuned as far as it goes) and by core.sheetwriter,
   the job's writer now.
Targets: 1,000,000 rows ≤ 90 s, peak worker memory ≤ 250 MB, no web request over 1 s.
"""

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiangshan.settings.test")


def run_job(job_id: int):
    """In a fresh process: run one job as the worker does; print wall s, peak RSS MB."""
    import django

    django.setup()
    from jobs.models import Job
    from jobs.services import job_run

    t0 = time.perf_counter()
    outcome = job_run(job_id=job_id)
    wall = time.perf_counter() - t0
    job = Job.objects.get(pk=job_id)
    from jobs.services import job_file

    path = job_file(job)
    size = path.stat().st_size if path.exists() else 0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024
    print(f"RESULT {outcome} {job.state} {job.done} {wall:.1f} {peak:.0f} {size} "
          f"cpu {usage.ru_utime + usage.ru_stime:.1f} s, load {os.getloadavg()[0]:.2f}")


def xlsxwriter_write(path, title, rows):
    """The job's writer before core.sheetwriter (kept here for the comparison): XlsxWriter in
    constant-memory mode through its public API, the cell rules of core.downloads."""
    import xlsxwriter

    from core.downloads import FORMULA_START
    from core.text import clean_text

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    quoted = wb.add_format({"quote_prefix": True})
    ws = wb.add_worksheet(title)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                value = clean_text(value)
                ws.write_string(r, c, value, quoted if value.startswith(FORMULA_START) else None)
            else:
                ws.write(r, c, value)
    wb.close()


def xlsxwriter_write_tuned(path, title, rows):
    """XlsxWriter as fast as it goes without replacing its row writer: the undecorated `_write_string`
    (private, so only with a pinned version) and one control-character search over the joined row."""
    import re

    import xlsxwriter

    from core.downloads import FORMULA_START
    from core.text import clean_text

    controls = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    quoted = wb.add_format({"quote_prefix": True})
    ws = wb.add_worksheet(title)
    write_string = ws._write_string
    for r, row in enumerate(rows):
        dirty = controls.search("".join([v for v in row if v.__class__ is str]))
        for c, value in enumerate(row):
            if not value:
                continue
            if value.__class__ is str:
                if dirty:
                    value = clean_text(value)
                write_string(r, c, value, quoted if value.startswith(FORMULA_START) else None)
            else:
                ws.write(r, c, value)
    wb.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--run-job", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--month", default="2025-06", help="the month of the streamed export (YYYY-MM)")
    parser.add_argument("--compare", type=int, default=0, help="rows for the openpyxl / XlsxWriter comparison")
    parser.add_argument("--skip-job", action="store_true")
    args = parser.parse_args()
    if args.run_job:
        return run_job(args.run_job)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.choices import Role
    from accounts.models import User
    from accounts.services import user_create
    from jobs.models import Job
    from petitions import selectors
    from petitions.models import Item

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    staff = User.objects.filter(username="bench_staff").first() or user_create(
        username="bench_staff", password="bench-only-1", full_name="bench_staff", roles=[Role.DISTRICT_STAFF])
    client = Client()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    print(f"items: {Item.objects.count():,} · load {os.getloadavg()[0]:.2f}")

    # 1. streamed (after one warm-up: imports, templates, connections)
    b"".join(client.get(f"/items/?month={args.month}&export=xlsx").streaming_content)
    t0 = time.perf_counter()
    response = client.get(f"/items/?month={args.month}&export=xlsx")
    first = None
    chunks, size = 0, 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - t0
        chunks += 1
        size += len(chunk)
    total = time.perf_counter() - t0
    month = datetime.date.fromisoformat(f"{args.month}-01")
    rows = selectors.filter_items(selectors.box_queryset(staff, "all"), {"month": month}).count()
    print(f"streamed, {args.month}: {rows:,} rows, first chunk {first * 1000:.0f} ms, all {total:.1f} s, "
          f"{chunks} chunks, {size / 1e6:.1f} MB, status {response.status_code}")

    if not args.skip_job:
        # 2. the page's request for everything: starts a job
        before = Job.objects.count()
        t0 = time.perf_counter()
        response = client.get("/items/?export=xlsx")
        ask = time.perf_counter() - t0
        created = Job.objects.count() > before
        print(f"whole list asked: {ask * 1000:.0f} ms, status {response.status_code}, job created: {created}")
    if not args.skip_job and created:
        # 3. the job, in its own process
        job = Job.objects.order_by("-pk").first()
        out = subprocess.run([sys.executable, __file__, "--run-job", str(job.pk)], cwd=ROOT, env=os.environ,
                             capture_output=True, text=True)
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT")), out.stderr[-2000:])
        print(f"job {job.pk}: {line}  (outcome, state, rows, wall s, peak RSS MB, file bytes, the worker's CPU)")

    if args.compare:
        import openpyxl

        from core import downloads, sheetwriter

        qs = selectors.box_queryset(staff, "all").order_by("-submitted_at")[: args.compare]
        rows = list(selectors.export_rows(Item.objects.filter(pk__in=list(qs.values_list("pk", flat=True)))))
        times = {}
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("items")
            for row in rows:
                downloads.append(ws, row)
            wb.save(Path(tmp) / "a.xlsx")
            times["openpyxl write-only"] = time.perf_counter() - t0
            for name, write in (("XlsxWriter constant_memory", xlsxwriter_write),
                                ("XlsxWriter, private _write_string, one check a row", xlsxwriter_write_tuned),
                                ("core.sheetwriter", sheetwriter.write_rows)):
                t0 = time.perf_counter()
                write(Path(tmp) / "b.xlsx", "items", iter(rows))
                times[name] = time.perf_counter() - t0
        print(f"writers, {len(rows) - 1:,} rows (load {os.getloadavg()[0]:.2f}): "
              + " · ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
