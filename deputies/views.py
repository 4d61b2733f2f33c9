"""Roster pages: list, export, profile, edits, deputy homes and the import (upload → preview → confirm)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.choices import Role
from audit.privacy import may_see_full_personal_data
from core import downloads
from core.access import role_required

from . import importing, services
from .forms import DeputyForm, DeputyHomeForm, MandateForm, RosterFilterForm, RosterImportForm
from .models import Deputy, DeputyHome, Mandate
from .profile import sections_for
from .selectors import (
    deputy_history,
    deputy_profile,
    ethnicity_choices,
    export_rows,
    roster_counts,
    roster_list,
    roster_page,
    roster_rows,
)

ROSTER_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER)
EDIT_ROLES = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF)
SESSION_KEY = "roster_imports"
PREVIEW_ROWS = 500


def _editable(user, deputy) -> bool:
    return Deputy.objects.editable_by(user).filter(pk=deputy.pk).exists()


def _filter_form(request):
    return RosterFilterForm(request.GET or None, user=request.user, ethnicities=ethnicity_choices(user=request.user))


@require_GET
@role_required(*ROSTER_ROLES)
def roster(request):
    """代表名册: filter, search (pinyin initials too), sort, paginate; counts at the top."""
    form = _filter_form(request)
    filters = form.filters()
    page_obj = roster_page(roster_list(user=request.user, filters=filters), number=request.GET.get("page"),
                           per_page=filters.get("per_page") or 25, search=bool(filters.get("q")))
    can_edit = request.user.has_role(*EDIT_ROLES)
    return render(request, "deputies/roster.html", {
        "form": form, "page_obj": page_obj, "deputies": roster_rows(page_obj.object_list),
        "counts": roster_counts(user=request.user), "can_edit": can_edit, "filtered": form.has_filters,
        "may_export_full": may_see_full_personal_data(request.user),
    })


@require_GET
@role_required(*ROSTER_ROLES)
def roster_export(request):
    """The filtered roster as .xlsx, one row per mandate; mobile and ID numbers masked unless the exporter
    may see them (audit.privacy) and ticked 导出完整证件号码和电话 (``full=1``; the export event says so)."""
    import openpyxl

    form = _filter_form(request)
    qs = roster_list(user=request.user, filters=form.filters())
    full = request.GET.get("full") == "1" and may_see_full_personal_data(request.user)
    if qs.count() > settings.JOB_EXPORT_ROWS:  # too long for one request: a background job (jobs/)
        from jobs.services import job_create

        day = f"{timezone.localdate():%Y%m%d}"
        job = job_create(owner=request.user, kind="roster_export", params={
            "query": request.GET.urlencode(), "full": full, "filename": _("代表名册-%(date)s.xlsx") % {"date": day}})
        messages.info(request, _("导出行数较多,已转为后台任务,完成后可在本页下载。"))
        return redirect(job)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(downloads.sheet_title(_("代表名册")))
    downloads.append(ws, [label for _k, label, _v in importing.COLUMNS] + [_("状态")])
    for row in export_rows(qs, full=full):
        downloads.append(ws, row)
    day = f"{timezone.localdate():%Y%m%d}"
    response = downloads.xlsx_response(wb, _("代表名册-%(date)s.xlsx") % {"date": day}, fallback=f"roster-{day}.xlsx")
    response.xs_download_detail = {"full_personal_data": full}  # audit.middleware adds it to the export event
    return response


@require_GET
@login_required
def deputy_detail(request, pk):
    """The profile (代表档案): person data, mandates, groups, account, sections other apps add."""
    deputy = deputy_profile(user=request.user, pk=pk)
    can_edit = _editable(request.user, deputy)
    return render(request, "deputies/detail.html", {
        "deputy": deputy, "can_edit": can_edit, "show_full": can_edit,
        "may_reveal": may_see_full_personal_data(request.user),
        "mandates": list(deputy.mandates.all()), "memberships": list(deputy.memberships.all()),
        "history": deputy_history(deputy) if can_edit else None,
        "sections": sections_for(request, deputy),
    })


@role_required(*EDIT_ROLES)
def deputy_create(request):
    person = DeputyForm(request.POST or None, user=request.user, prefix="p")
    mandate = MandateForm(request.POST or None, user=request.user, prefix="m")
    if request.method == "POST" and person.is_valid() and mandate.is_valid():
        deputy = services.deputy_create(actor=request.user, data=person.person_data(), mandate=mandate.mandate_data())
        messages.success(request, _("已新增代表 %(name)s。") % {"name": deputy.name})
        return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/deputy_form.html", {"form": person, "mandate_form": mandate, "deputy": None})


@login_required
def deputy_edit(request, pk):
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    if not _editable(request.user, deputy):
        raise PermissionDenied
    form = DeputyForm(request.POST or None, instance=deputy, user=request.user, prefix="p")
    if request.method == "POST" and form.is_valid():
        changed = services.deputy_update(deputy=deputy, actor=request.user, data=form.person_data())
        if changed:
            messages.success(request, _("已保存:%(fields)s。") % {"fields": "、".join(changed)})
        else:
            messages.info(request, _("没有修改任何内容。"))
        return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/deputy_form.html", {"form": form, "deputy": deputy})


@login_required
def mandate_edit(request, pk, mandate_pk=None):
    """Add a mandate to a deputy, or change one (status 辞职/罢免/终止 included)."""
    deputy = get_object_or_404(Deputy.objects.visible_to(request.user), pk=pk)
    mandate = get_object_or_404(Mandate, pk=mandate_pk, deputy=deputy) if mandate_pk else None
    if not _editable(request.user, deputy):
        raise PermissionDenied
    form = MandateForm(request.POST or None, instance=mandate, user=request.user, deputy=deputy)
    if request.method == "POST" and form.is_valid():
        if mandate is None:
            services.mandate_create(deputy=deputy, actor=request.user, data=form.mandate_data())
            messages.success(request, _("已新增代表资格。"))
        else:
            services.mandate_update(mandate=mandate, actor=request.user, data=form.mandate_data())
            messages.success(request, _("代表资格已保存。"))
        return redirect("deputies:detail", pk=deputy.pk)
    return render(request, "deputies/mandate_form.html", {"form": form, "deputy": deputy, "mandate": mandate})


# ----------------------------------------------------------------------------- deputy homes


@require_GET
@login_required
def home_list(request):
    homes = DeputyHome.objects.visible_to(request.user).select_related("area", "area__parent")
    editable = set(DeputyHome.objects.editable_by(request.user).values_list("pk", flat=True))
    return render(request, "deputies/homes.html", {"homes": homes, "editable": editable,
                                                   "can_add": request.user.has_role(*EDIT_ROLES)})


@role_required(*EDIT_ROLES)
def home_edit(request, pk=None):
    home = None
    if pk is not None:
        home = get_object_or_404(DeputyHome.objects.visible_to(request.user), pk=pk)
        if not DeputyHome.objects.editable_by(request.user).filter(pk=pk).exists():
            raise PermissionDenied
    form = DeputyHomeForm(request.POST or None, instance=home, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.deputy_home_save(home=home, actor=request.user, data=form.home_data())
        messages.success(request, _("已保存。"))
        return redirect("deputies:homes")
    return render(request, "deputies/home_form.html", {"form": form, "home": home})


# ----------------------------------------------------------------------------- import


@require_GET
@role_required(*EDIT_ROLES)
def import_template(request):
    return downloads.file_response(importing.template_workbook(), _("代表名册导入模板.xlsx"),
                                   content_type=downloads.XLSX, fallback="roster-template.xlsx")


@role_required(*EDIT_ROLES)
def import_upload(request):
    """Step 1: upload. A file that cannot be read at all is refused here, with its reason."""
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            importing.read_table(data, upload.name)
        except importing.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = services.roster_import_stage(data=data, filename=upload.name)
            staged = request.session.get(SESSION_KEY, {})
            staged[token] = upload.name[:120]
            request.session[SESSION_KEY] = dict(list(staged.items())[-5:])  # keep the last few
            return redirect("deputies:import_preview", token=token)
    return render(request, "deputies/import.html", {"form": form})


def _staged(request, token):
    """The staged file of this session's upload, parsed (404 for a token not from this session)."""
    if token not in request.session.get(SESSION_KEY, {}):
        raise Http404
    loaded = services.roster_import_load(token=token)
    if loaded is None:
        raise Http404
    data, stored = loaded
    filename = request.session[SESSION_KEY][token]
    table = importing.read_table(data, stored)
    return filename, importing.parse_rows(table)


@require_GET
@role_required(*EDIT_ROLES)
def import_preview(request, token):
    """Step 2: the dry run, row by row: what would be created, updated or refused, and why."""
    try:
        filename, rows = _staged(request, token)
    except importing.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("deputies:import")
    report = services.roster_import(rows=rows, actor=request.user, dry_run=True)
    ordered = sorted(report.rows, key=lambda r: ({"refused": 0, "create": 1, "update": 2}.get(r.action, 3), r.number))
    shown = [r for r in ordered if r.action != "unchanged"][:PREVIEW_ROWS]
    return render(request, "deputies/import_preview.html", {
        "token": token, "filename": filename, "report": report, "rows": shown,
        "hidden": sum(1 for r in report.rows if r.action != "unchanged") - len(shown),
    })


@require_POST
@role_required(*EDIT_ROLES)
def import_confirm(request, token):
    """Step 3: apply the staged file (re-read on the server) in one transaction, or nothing."""
    try:
        _filename, rows = _staged(request, token)
        report = services.roster_import(rows=rows, actor=request.user, dry_run=False)
    except importing.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("deputies:import")
    except services.RosterImportConflict as exc:
        messages.error(request, str(exc))
        return redirect("deputies:import_preview", token=token)
    if report.refused:
        messages.error(request, _("有 %(n)d 行被拒绝,未导入任何数据。请修正文件后重新上传。") % {"n": len(report.refused)})
        return redirect("deputies:import_preview", token=token)
    services.roster_import_discard(token=token)
    staged = request.session.get(SESSION_KEY, {})
    staged.pop(token, None)
    request.session[SESSION_KEY] = staged
    if not report.applied:
        messages.info(request, _("文件与系统中的名册完全一致,没有需要导入的变化。"))
    else:
        t = report.totals
        messages.success(request, _(
            "导入完成:新增代表 %(nd)d 名,更新 %(cd)d 名;新增代表资格 %(nm)d 个;新建代表小组 %(ng)d 个,"
            "新增小组成员 %(nms)d 名。") % {"nd": t["new_deputies"], "cd": t["changed_deputies"],
                                       "nm": t["new_mandates"], "ng": t["new_groups"], "nms": t["new_memberships"]})
    return redirect(reverse("deputies:roster") + "?sort=-updated")
