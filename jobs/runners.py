"""What each kind of job does, in the worker: `RUNNERS[kind](job, progress) -> outcome`.

A runner redoes its request as the owner *now*: an export re-reads the list through the same scoping and
filter as the page (a user who lost the role, or the items, since asking gets nothing more); an import
re-reads exactly the staged file its dry run checked. ``progress(done, total)`` reports how far it is.
The outcome is the fields `jobs.services._finish` keeps: file, name, message, done, total."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict
from django.utils.translation import gettext as _

from .services import JobError, job_file


def _owner_active(job):
    if not job.owner.is_active:
        raise JobError(_("发起人账号已停用,任务未执行。"))
    return job.owner


def items_export(job, progress) -> dict:
    from core import downloads
    from petitions import forms, selectors

    user = _owner_active(job)
    box = job.params["box"]
    spec = selectors.BOXES.get(box)
    if spec is None or not (user.roles & spec.roles):
        raise JobError(_("您已无权导出该列表。"))
    today = dt.date.fromisoformat(job.params["today"])
    form = forms.ItemFilterForm(QueryDict(job.params.get("query", "")), user=user)
    qs = selectors.box_queryset(user, box, today)
    if form.is_valid():
        qs = selectors.filter_items(qs, form.cleaned_data, today)
    total = qs.count()
    progress(0, total)
    path = job_file(job)
    rows = downloads.xlsx_file_write(path, spec.label, selectors.export_rows(qs),
                                     progress=lambda n: progress(n, total))
    return {"file": path.name, "name": job.params["filename"], "done": rows, "total": rows,
            "message": _("共导出 %(n)d 条。") % {"n": rows}}


def roster_export(job, progress) -> dict:
    from audit.privacy import may_see_full_personal_data
    from core import downloads
    from deputies import importing
    from deputies.forms import RosterFilterForm
    from deputies.selectors import ethnicity_choices, export_rows, roster_list
    from deputies.views import ROSTER_ROLES

    user = _owner_active(job)
    if not user.has_role(*ROSTER_ROLES):
        raise JobError(_("您已无权导出代表名册。"))
    form = RosterFilterForm(QueryDict(job.params.get("query", "")), user=user,
                            ethnicities=ethnicity_choices(user=user))
    qs = roster_list(user=user, filters=form.filters())
    full = bool(job.params.get("full")) and may_see_full_personal_data(user)
    total = qs.count()
    progress(0, total)
    header = [label for _k, label, _v in importing.COLUMNS] + [_("状态")]

    def rows():
        yield header
        yield from export_rows(qs, full=full)

    path = job_file(job)
    count = downloads.xlsx_file_write(path, _("代表名册"), rows(), progress=lambda n: progress(n, total))
    return {"file": path.name, "name": job.params["filename"], "done": count, "total": count,
            "message": _("共导出 %(n)d 行。") % {"n": count}}


def ledger_import(job, progress) -> dict:
    import io

    from core import staging
    from ledger.services import LedgerError
    from ledger.services import ledger_import as do_import
    from ledger.views import STAGING_KIND

    user = _owner_active(job)
    token = job.params["staged"]
    loaded = staging.upload_load(kind=STAGING_KIND, token=token)
    if loaded is None:
        raise JobError(_("导入已过期,请重新上传文件。"))
    data, _stored = loaded
    progress(0, job.total)
    try:
        report = do_import(file=io.BytesIO(data), actor=user, dry_run=False,
                           create_units=bool(job.params.get("create_units")), filename=job.params.get("filename", ""),
                           progress=progress)
    except LedgerError as exc:
        raise JobError(str(exc)) from exc
    finally:
        staging.upload_discard(kind=STAGING_KIND, token=token)
    if not report.ok:
        raise JobError(_("有 %(n)d 行被拒绝,未写入任何数据。") % {"n": len(report.refused)})
    return {"done": report.rows, "total": report.rows,
            "message": _("已导入 %(n)d 条,%(u)d 条此前已导入(未改变)。") % {
                "n": report.created, "u": len(report.unchanged)}}


def ledger_dry_run(job, progress) -> dict:
    """A large ledger's 试运行: the report is kept as JSON for the ledger's report page; the staged file
    stays for the confirmation (which may itself become a ledger_import job)."""
    import io
    import json

    from core import staging
    from ledger.services import LedgerError, report_summary
    from ledger.services import ledger_import as do_import
    from ledger.views import ROLES, STAGING_KIND

    user = _owner_active(job)
    if not user.has_role(*ROLES):
        raise JobError(_("您已无权导入台账。"))
    loaded = staging.upload_load(kind=STAGING_KIND, token=job.params["staged"])
    if loaded is None:
        raise JobError(_("导入已过期,请重新上传文件。"))
    data, _stored = loaded
    try:
        report = do_import(file=io.BytesIO(data), dry_run=True, create_units=bool(job.params.get("create_units")),
                           filename=job.params.get("filename", ""))
    except LedgerError as exc:
        staging.upload_discard(kind=STAGING_KIND, token=job.params["staged"])
        raise JobError(str(exc)) from exc
    summary = report_summary(report)
    path = job_file(job, ".json")
    path.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return {"file": path.name, "name": "", "done": report.rows, "total": report.rows,
            "message": _("共 %(rows)d 行:将新增 %(new)d 条,已导入过(不变) %(same)d 条,拒绝 %(bad)d 行。") % {
                "rows": report.rows, "new": summary["new"], "same": summary["unchanged"],
                "bad": len(summary["refused"])}}


RUNNERS = {"items_export": items_export, "roster_export": roster_export, "ledger_import": ledger_import,
           "ledger_dry_run": ledger_dry_run}
