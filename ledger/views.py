"""台账导入 pages: upload → dry-run report → confirm (POST only), then redirect.

The uploaded file is staged as the roster import stages its file (core.staging): kept on the server
under a random token remembered in this session, with the options of the dry run, so only the person who
ran the dry run can confirm it, and exactly the file and options that were checked are imported."""

import io
import json

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import staging
from core.access import role_required

from .forms import LedgerConfirmForm, LedgerUploadForm
from .models import LedgerRow
from .services import IMPORT_ROLES, LedgerError, ledger_import, report_summary

ROLES = tuple(IMPORT_ROLES)
STAGING_KIND = "ledger-uploads"
SESSION_KEY = "ledger_imports"


@require_GET
@role_required(*ROLES)
def import_page(request):
    recent = LedgerRow.objects.select_related("item", "imported_by")[:20]
    return render(request, "ledger/import.html", {"form": LedgerUploadForm(), "recent": recent,
                                                  "total": LedgerRow.objects.count()})


@require_POST
@role_required(*ROLES)
def dry_run(request):
    form = LedgerUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "ledger/import.html", {"form": form, "recent": [], "total": None}, status=400)
    upload, create_units = form.cleaned_data["file"], form.cleaned_data["create_units"]
    data = upload.read()
    if len(data) > settings.JOB_DRY_RUN_BYTES:  # too long to check in one request: the worker checks it
        from jobs.services import job_create

        token = staging.upload_stage(kind=STAGING_KIND, data=data, filename=upload.name)
        job = job_create(owner=request.user, kind="ledger_dry_run", params={
            "staged": token, "filename": upload.name[:200], "create_units": create_units})
        messages.info(request, _("台账较大,已转为后台试运行,完成后可在本页查看结果并确认导入。"))
        return redirect(job)
    try:
        report = ledger_import(file=io.BytesIO(data), dry_run=True, create_units=create_units, filename=upload.name)
    except LedgerError as exc:
        form.add_error("file", str(exc))
        return render(request, "ledger/import.html", {"form": form, "recent": [], "total": None}, status=400)
    token = ""
    if report.ok and report.new:
        token = staging.upload_stage(kind=STAGING_KIND, data=data, filename=upload.name)
        staging.session_remember(request, key=SESSION_KEY, token=token,
                                 info={"filename": upload.name[:200], "create_units": create_units,
                                       "rows": report.rows})
    return render(request, "ledger/report.html", {
        "summary": report_summary(report), "token": token, "create_units": create_units, "filename": upload.name})


@require_GET
@role_required(*ROLES)
def job_report(request, token):
    """The result of a dry run that ran in the worker (its job's page links here): the same report page,
    and the staged file is remembered in this session so that only its owner, here, can confirm it."""
    from jobs.models import Job
    from jobs.services import job_directory

    job = get_object_or_404(Job.objects.visible_to(request.user), token=token, kind="ledger_dry_run",
                            state="done")
    try:
        summary = json.loads((job_directory() / job.result_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    staged = job.params["staged"]
    token = ""
    if summary["ok"] and summary["new"] and staging.upload_load(kind=STAGING_KIND, token=staged) is not None:
        token = staged
        staging.session_remember(request, key=SESSION_KEY, token=token, info={
            "filename": job.params["filename"], "create_units": job.params["create_units"], "rows": summary["rows"]})
    return render(request, "ledger/report.html", {"summary": summary, "token": token, "filename": job.params["filename"],
                                                  "create_units": job.params["create_units"]})


@require_POST
@role_required(*ROLES)
def confirm(request):
    form = LedgerConfirmForm(request.POST)
    token = form.cleaned_data["token"] if form.is_valid() else ""
    info = staging.session_recall(request, key=SESSION_KEY, token=token) if token else None
    loaded = staging.upload_load(kind=STAGING_KIND, token=token) if info else None
    if loaded is None:  # not staged in this session, already imported, or swept
        messages.error(request, _("导入已过期,请重新上传文件。"))
        return redirect("ledger:import")
    if info.get("rows", 0) > settings.JOB_IMPORT_ROWS:  # too long for one request: a background job (jobs/)
        from jobs.services import job_create

        staging.session_forget(request, key=SESSION_KEY, token=token)  # the job owns the staged file now
        job = job_create(owner=request.user, kind="ledger_import", total=info["rows"], params={
            "staged": token, "filename": info["filename"], "create_units": info["create_units"]})
        messages.info(request, _("台账行数较多,已转为后台导入,完成后会通知您。"))
        return redirect(job)
    data, _stored = loaded
    try:
        report = ledger_import(file=io.BytesIO(data), actor=request.user, dry_run=False,
                               create_units=info["create_units"], filename=info["filename"])
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:import")
    finally:
        staging.upload_discard(kind=STAGING_KIND, token=token)
        staging.session_forget(request, key=SESSION_KEY, token=token)
    if report.ok:
        messages.success(request, _("已导入 %(n)d 条,%(u)d 条此前已导入(未改变)。") % {
            "n": report.created, "u": len(report.unchanged)})
    else:
        messages.error(request, _("有 %(n)d 行被拒绝,未写入任何数据。") % {"n": len(report.refused)})
    return redirect("ledger:import")
