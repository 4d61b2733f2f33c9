"""Thin views: scope the object, validate, call the service, message, redirect."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from core.access import role_required

from . import selectors, services
from .choices import ActivityKind
from .forms import ActivityForm, AttendanceForm, PhotoForm, ReceptionProblemForm
from .models import Activity, ActivityPhoto, ReceptionProblem, may_record_activities

READERS = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.DEPUTY, Role.GROUP_LEADER, Role.LEADER)
RECORDERS = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.GROUP_LEADER)


def _visible(request, pk) -> Activity:
    return get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)


def _editable(request, pk) -> Activity:
    activity = _visible(request, pk)
    if not Activity.objects.editable_by(request.user).filter(pk=activity.pk).exists():
        raise PermissionDenied
    return activity


def _year(value):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


@role_required(*READERS)
def activity_list(request):
    kind = request.GET.get("kind", "")
    year = _year(request.GET.get("year"))
    q = request.GET.get("q", "").strip()[:50]
    qs = selectors.activity_list(user=request.user, kind=kind, year=year, q=q)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "activities/list.html", {
        "page_obj": page, "kinds": ActivityKind.choices, "kind": kind, "year": year or "", "q": q,
        "may_record": may_record_activities(request.user),
    })


@role_required(*RECORDERS)
def activity_create(request):
    initial = {"kind": request.GET.get("kind", ""), "date": datetime.date.today()}
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        activity = services.activity_create(actor=request.user, **form.service_kwargs())
        messages.success(request, _("活动已登记。"))
        return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("登记履职活动")})


@role_required(*RECORDERS)
def activity_edit(request, pk):
    activity = _editable(request, pk)
    initial = {f: getattr(activity, f) for f in ("kind", "title", "date", "place", "organiser_group",
                                                  "organiser_area", "home", "voters_received", "summary")}
    initial["invited"] = list(activity.attendances.values_list("deputy_id", flat=True))
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.activity_update(activity=activity, actor=request.user, **form.service_kwargs())
        messages.success(request, _("活动已保存。"))
        return redirect("activities:detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("修改履职活动"), "activity": activity})


@login_required
def activity_detail(request, pk):
    return _detail_page(request, pk)


def _detail_page(request, pk, *, status=200, **bound):
    """The activity page. After a refused POST, `bound` holds that form, bound, with what was typed and
    its errors (attendance_form, photo_form, problem_form or link_form), and the status is 400."""
    from . import links

    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("organiser_group", "organiser_area", "home",
                                                                  "created_by"), pk=pk)
    editable = Activity.objects.editable_by(request.user).filter(pk=activity.pk).exists()
    attendances = list(selectors.attendances_of(activity))
    forms = {
        "attendance_form": AttendanceForm(attendances=attendances) if editable else None,
        "photo_form": PhotoForm() if editable else None,
        "problem_form": ReceptionProblemForm(activity=activity) if editable and activity.is_reception else None,
        "link_form": links.LinkItemForm() if editable else None,
    }
    forms.update(bound)
    return render(request, "activities/detail.html", {
        "activity": activity, "editable": editable, "attendances": attendances,
        "summary": selectors.attendance_summary(activity),
        "photos": activity.photos.all(),
        "problems": links.problems_with_items(activity) if activity.is_reception else [],
        "reception": selectors.reception_counts(activity) if activity.is_reception else None,
        "items": links.items_of(activity, request.user),
        "items_enabled": links.items_enabled(),
        **forms,
    }, status=status)


@require_POST
@role_required(*RECORDERS)
def attendance_record(request, pk):
    activity = _editable(request, pk)
    form = AttendanceForm(request.POST, attendances=list(selectors.attendances_of(activity)))
    if not form.is_valid():
        return _detail_page(request, activity.pk, attendance_form=form, status=400)
    n = services.attendance_record(activity=activity, actor=request.user, statuses=form.statuses())
    messages.success(request, _("出席情况已保存(%(n)s 人有变化)。") % {"n": n})
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@role_required(*RECORDERS)
def photo_add(request, pk):
    activity = _editable(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():  # the caption stays; a browser never refills a file input
        return _detail_page(request, activity.pk, photo_form=form, status=400)
    services.activity_photo_add(activity=activity, actor=request.user, **form.cleaned_data)
    messages.success(request, _("照片已上传。"))
    return redirect("activities:detail", pk=activity.pk)


@login_required
def photo_file(request, pk, photo_pk):
    activity = _visible(request, pk)
    photo = get_object_or_404(ActivityPhoto, pk=photo_pk, activity=activity)
    try:
        return FileResponse(photo.file.open("rb"), filename=photo.file.name.rsplit("/", 1)[-1])
    except FileNotFoundError:
        raise Http404


@require_POST
@role_required(*RECORDERS)
def problem_add(request, pk):
    activity = _editable(request, pk)
    if not activity.is_reception:
        raise Http404
    form = ReceptionProblemForm(request.POST, activity=activity)
    if not form.is_valid():
        return _detail_page(request, activity.pk, problem_form=form, status=400)
    services.reception_problem_add(activity=activity, actor=request.user, **form.cleaned_data)
    messages.success(request, _("选民反映的问题已登记。"))
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@role_required(*RECORDERS)
def problem_solve(request, pk, problem_pk):
    activity = _editable(request, pk)
    problem = get_object_or_404(ReceptionProblem, pk=problem_pk, activity=activity)
    services.reception_problem_solve(problem=problem, actor=request.user)
    messages.success(request, _("已标记为当场解决。"))
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@role_required(*RECORDERS)
def problem_to_item(request, pk, problem_pk):
    from petitions.workflow import WorkflowError

    from . import links

    activity = _editable(request, pk)
    problem = get_object_or_404(ReceptionProblem, pk=problem_pk, activity=activity)
    try:
        item = links.reception_problem_to_item(problem=problem, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已代%(name)s提交社情民意 %(number)s。") % {"name": problem.deputy.name,
                                                                           "number": item.number})
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@role_required(*RECORDERS)
def link_item(request, pk):
    from . import links

    activity = _editable(request, pk)
    form = links.LinkItemForm(request.POST, user=request.user)
    if not form.is_valid():
        return _detail_page(request, activity.pk, link_form=form, status=400)
    links.activity_link_item(activity=activity, actor=request.user, item=form.cleaned_data["item"])
    messages.success(request, _("已关联社情民意。"))
    return redirect("activities:detail", pk=activity.pk)
