"""Pages of publicity records (信息宣传): thin views — scope through visible_to, validate, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import downloads
from core.access import role_required

from . import selectors, services
from .choices import Level
from .forms import PieceForm
from .models import FIGURE_ROLES, READ_ROLES, RECORD_ROLES, Piece, may_record

PAGE_SIZE = 50


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


def _visible(request, pk) -> Piece:
    return get_object_or_404(Piece.objects.visible_to(request.user).select_related(
        "deputy", "group", "area", "created_by"), pk=pk)


def _editable(request, pk) -> Piece:
    piece = _visible(request, pk)
    if not Piece.objects.editable_by(request.user).filter(pk=piece.pk).exists():
        raise PermissionDenied
    return piece


@role_required(*READ_ROLES)
@require_GET
def piece_list(request):
    year = _year(request.GET.get("year"))
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    adopted = request.GET.get("adopted", "")
    adopted = adopted if adopted in ("1", "0") else ""
    pieces = selectors.piece_list(user=request.user, year=year, level=level, adopted=adopted)
    return render(request, "publicity/list.html", {
        "page_obj": Paginator(pieces, PAGE_SIZE).get_page(request.GET.get("page")),
        "year": year or "", "level": level, "adopted": adopted, "levels": Level.choices,
        "years": selectors.years(request.user), "may_record": may_record(request.user),
        "may_see_figures": request.user.has_role(*FIGURE_ROLES),
    })


def _save(request, form, run, done, template_context):
    """Run the service with the form's data; on refusal show the form again with what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            piece = run(form)
        except services.NotAllowed as exc:
            raise PermissionDenied(exc.message) from None
        except services.LoopError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
            return redirect(piece)
    elif request.method == "POST":
        messages.error(request, _("未能保存,请按提示修改。"))
    return render(request, "publicity/form.html", {"form": form, **template_context},
                  status=400 if request.method == "POST" else 200)


@role_required(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def piece_create(request):
    if not may_record(request.user):
        raise PermissionDenied
    form = PieceForm(request.POST or None, request.FILES or None, user=request.user,
                     initial={"date": timezone.localdate()})
    return _save(request, form,
                 lambda f: services.piece_create(actor=request.user, **f.service_kwargs()),
                 _("信息宣传已登记。"), {"title": _("登记信息宣传")})


@role_required(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def piece_edit(request, pk):
    piece = _editable(request, pk)
    form = PieceForm(request.POST or None, request.FILES or None, user=request.user, piece=piece)
    return _save(request, form,
                 lambda f: services.piece_update(piece=piece, actor=request.user, **f.service_kwargs(),
                                                 remove_file=f.cleaned_data.get("remove_file", False)),
                 _("信息宣传已保存。"), {"title": _("修改信息宣传"), "piece": piece})


@role_required(*READ_ROLES)
@require_GET
def piece_detail(request, pk):
    piece = _visible(request, pk)
    editable = Piece.objects.editable_by(request.user).filter(pk=piece.pk).exists()
    return render(request, "publicity/detail.html", {"piece": piece, "editable": editable})


@role_required(*RECORD_ROLES)
@require_POST
def piece_delete(request, pk):
    piece = _editable(request, pk)
    try:
        services.piece_delete(piece=piece, actor=request.user)
    except services.NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except services.LoopError as exc:
        messages.error(request, exc.message)
        return redirect(piece)
    messages.success(request, _("已删除“%(title)s”。") % {"title": piece.title})
    return redirect("publicity:list")


@login_required
@require_GET
def piece_file(request, pk):
    """The attached copy, to those who may read the piece; photos and PDFs open in the browser."""
    piece = _visible(request, pk)
    if not piece.file:
        raise Http404
    return downloads.stored_file(piece.file, filename=piece.file_name or "file", content_type=piece.file_type)


@role_required(*FIGURE_ROLES)
@require_GET
def figures(request):
    """The year's figures (年度统计) in the user's scope: totals by level with how many were taken, taken
    at provincial level or above and at city level or above, by deputy group, and the prizes."""
    year = _year(request.GET.get("year")) or timezone.localdate().year
    return render(request, "publicity/figures.html", {
        "year": year, "years": selectors.years(request.user),
        "figures": selectors.year_figures(user=request.user, year=year),
        "awards": selectors.awards(user=request.user, year=year),
    })
