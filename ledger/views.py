"""台账导入 pages: upload → dry-run report → confirm (POST only), then redirect."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.access import role_required

from .forms import LedgerConfirmForm, LedgerUploadForm
from .models import LedgerRow
from .services import IMPORT_ROLES, LedgerError, ledger_import

ROLES = tuple(IMPORT_ROLES)


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "ledger-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    token = uuid.uuid4().hex
    path = _upload_dir() / f"{token}.xlsx"
    with path.open("wb") as fh:
        for chunk in form.cleaned_data["file"].chunks():
            fh.write(chunk)
    try:
        with path.open("rb") as fh:
            report = ledger_import(file=fh, dry_run=True, create_units=form.cleaned_data["create_units"],
                                   filename=form.cleaned_data["file"].name)
    except LedgerError as exc:
        path.unlink(missing_ok=True)
        form.add_error("file", str(exc))
        return render(request, "ledger/import.html", {"form": form, "recent": [], "total": None}, status=400)
    if not report.ok or not report.new:
        path.unlink(missing_ok=True)
    return render(request, "ledger/report.html", {
        "report": report, "token": token, "create_units": form.cleaned_data["create_units"],
        "filename": form.cleaned_data["file"].name})


@require_POST
@role_required(*ROLES)
def confirm(request):
    form = LedgerConfirmForm(request.POST)
    path = _upload_dir() / f"{form.data.get('token', '')}.xlsx"
    if not form.is_valid() or not path.is_file():
        messages.error(request, _("导入已过期,请重新上传文件。"))
        return redirect("ledger:import")
    try:
        with path.open("rb") as fh:
            report = ledger_import(file=fh, actor=request.user, dry_run=False,
                                   create_units=form.cleaned_data["create_units"],
                                   filename=form.cleaned_data["filename"] or path.name)
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:import")
    finally:
        path.unlink(missing_ok=True)
    if report.ok:
        messages.success(request, _("已导入 %(n)d 条,%(u)d 条此前已导入(未改变)。") % {
            "n": report.created, "u": len(report.unchanged)})
    else:
        messages.error(request, _("有 %(n)d 行被拒绝,未写入任何数据。") % {"n": len(report.refused)})
    return redirect("ledger:import")
