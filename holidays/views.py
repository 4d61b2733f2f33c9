"""节假日安排 pages: the years, one year's schedule (add, change, delete) and the .xlsx import
(upload → dry run → confirm). District staff and admin only; a refused form is shown again with what
was typed and why. The uploaded file is staged as the roster and ledger imports stage theirs
(core.staging): kept on the server under a random token remembered in this session, so only the person who
ran the dry run can confirm it, and exactly the file that was checked is imported."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import staging
from core.access import role_required
from core.downloads import XLSX, file_response
from core.workdays import calendar_source

from . import importing, selectors, services
from .forms import EntryForm, ImportForm, YearForm
from .models import CalendarEntry
from .rules import MAX_YEAR, MIN_YEAR
from .services import EDIT_ROLES, CalendarRefused

ROLES = tuple(EDIT_ROLES)
STAGING_KIND = "calendar-imports"
SESSION_KEY = "calendar_imports"


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


def _refused(form, exc: CalendarRefused) -> None:
    for field, message in exc.problems:
        form.add_error(field if field in form.fields else None, message)


@require_GET
@role_required(*ROLES)
def year_list(request):
    form = YearForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("holidays:year", year=form.cleaned_data["year"])
    today = timezone.localdate()
    return render(request, "holidays/years.html", {"rows": selectors.year_rows(today), "form": form,
                                                   "next_unknown": selectors.next_year_unknown(today),
                                                   "next_year": today.year + 1})


def _year_page(request, year, form=None, status=200):
    entries = list(selectors.year_entries(year))
    source = calendar_source(year)
    return render(request, "holidays/year.html", {
        "year": year, "entries": entries, "source": source,
        "form": form or EntryForm(year=year, initial={"kind": "holiday"}),
        "package": selectors.package_days(year) if source == "package" else None,
        "history": selectors.year_history(year),
    }, status=status)


@require_GET
@role_required(*ROLES)
def year_detail(request, year):
    return _year_page(request, _year(year))


@require_POST
@role_required(*ROLES)
def entry_create(request, year):
    year = _year(year)
    form = EntryForm(request.POST, year=year)
    if form.is_valid():
        try:
            entry = services.calendar_entry_create(year=year, data=form.entry_data(), actor=request.user)
        except CalendarRefused as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已添加:%(what)s。") % {"what": f"{entry.get_kind_display()} {entry.name}"})
            return redirect("holidays:year", year=year)
    return _year_page(request, year, form=form, status=400)


@role_required(*ROLES)
def entry_edit(request, pk):
    entry = get_object_or_404(CalendarEntry, pk=pk)
    form = EntryForm(request.POST or None, year=entry.year, entry=entry)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.calendar_entry_update(entry=entry, data=form.entry_data(), actor=request.user)
            except CalendarRefused as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("holidays:year", year=entry.year)
        status = 400
    return render(request, "holidays/entry_form.html", {"form": form, "entry": entry, "year": entry.year},
                  status=status)


@require_POST
@role_required(*ROLES)
def entry_delete(request, pk):
    entry = get_object_or_404(CalendarEntry, pk=pk)
    year = entry.year
    services.calendar_entry_delete(entry=entry, actor=request.user)
    messages.success(request, _("已删除:%(what)s。") % {"what": f"{entry.get_kind_display()} {entry.name}"})
    return redirect("holidays:year", year=year)


# ----------------------------------------------------------------------------- import


def _default_year() -> int:
    return timezone.localdate().year + 1


@require_GET
@role_required(*ROLES)
def import_template(request):
    form = YearForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else _default_year()
    name = _("节假日安排导入模板-%(year)d年.xlsx") % {"year": year}
    return file_response(importing.template_workbook(year), name, content_type=XLSX,
                         fallback=f"holidays-template-{year}.xlsx")


@role_required(*ROLES)
def import_upload(request):
    """Step 1: the year and the file. A file that cannot be read at all is refused here, with its reason."""
    year_form = YearForm(request.POST or request.GET or None, initial={"year": _default_year()})
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if year_form.is_valid() and form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                importing.read_rows(data)
            except importing.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                filename = form.cleaned_data["file"].name
                token = staging.upload_stage(kind=STAGING_KIND, data=data, filename=filename)
                staging.session_remember(request, key=SESSION_KEY, token=token,
                                         info={"year": year_form.cleaned_data["year"], "filename": filename[:120]})
                return redirect("holidays:import_preview", token=token)
    elif not request.GET:
        year_form = YearForm(initial={"year": _default_year()})
    return render(request, "holidays/import.html", {"form": form, "year_form": year_form}, status=status)


def _staged(request, token):
    """This session's staged upload, parsed (404 for a token that is not this session's)."""
    staged = staging.session_recall(request, key=SESSION_KEY, token=token)
    loaded = staging.upload_load(kind=STAGING_KIND, token=token) if staged is not None else None
    if loaded is None:  # not staged in this session, already imported, or swept
        raise Http404
    data, _stored = loaded
    year = staged["year"]
    rows = importing.read_rows(data)
    parsed = importing.parse(rows, year=year, others=selectors.stored_entries(exclude_year=year))
    return staged, parsed


@require_GET
@role_required(*ROLES)
def import_preview(request, token):
    """Step 2: the dry run: what the year's schedule would become, or each refused row and why."""
    try:
        staged, parsed = _staged(request, token)
    except importing.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("holidays:import")
    year = staged["year"]
    return render(request, "holidays/import_preview.html", {
        "token": token, "year": year, "filename": staged["filename"], "parsed": parsed,
        "replaced": CalendarEntry.objects.filter(year=year).count(), "source": calendar_source(year)})


@require_POST
@role_required(*ROLES)
def import_confirm(request, token):
    """Step 3: re-read the staged file on the server and replace the year's schedule, all or nothing."""
    try:
        staged, parsed = _staged(request, token)
    except importing.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("holidays:import")
    year = staged["year"]
    if not parsed.ok or not parsed.entries:
        messages.error(request, _("有 %(n)d 行被拒绝,未写入任何数据。请修正文件后重新上传。") % {"n": len(parsed.refusals)})
        return redirect("holidays:import_preview", token=token)
    try:
        count = services.calendar_year_replace(year=year, entries=[data for _row, data in parsed.entries],
                                               actor=request.user, reason=services.import_reason(staged["filename"]))
    except CalendarRefused:  # someone changed another year meanwhile: show the dry run again
        messages.error(request, _("节假日安排刚被他人修改,请重新检查。"))
        return redirect("holidays:import_preview", token=token)
    staging.upload_discard(kind=STAGING_KIND, token=token)
    staging.session_forget(request, key=SESSION_KEY, token=token)
    messages.success(request, _("已导入 %(year)d 年的节假日安排,共 %(n)d 项。") % {"year": year, "n": count})
    return redirect(reverse("holidays:year", kwargs={"year": year}))
