"""Thin views for assessments, supervision, notices and performance records (履职档案)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from areas.models import Area
from core.access import role_required
from groups.models import DeputyGroup

from . import exports, selectors, services
from .choices import Half
from .forms import AdjustForm, ComputeForm, GradeForm, RuleForm, SettingsForm, SupervisionForm
from .models import Assessment, AssessmentRule, AssessmentScore, GradeLevel, GroupScore
from .services import AssessmentError

ASSESSORS = (Role.ADMIN, Role.DISTRICT_STAFF)
VIEWERS = (Role.ADMIN, Role.DISTRICT_STAFF, Role.AREA_STAFF, Role.LEADER)
EVERYONE = VIEWERS + (Role.DEPUTY, Role.GROUP_LEADER)


def _assessment(request, year) -> Assessment:
    return get_object_or_404(Assessment.objects.visible_to(request.user), year=year)


@role_required(*EVERYONE)
def index(request):
    return _index_page(request)


def _index_page(request, compute_form=None, status=200):
    """The assessments page; after a refused compute, with the bound form and its errors (400)."""
    user = request.user
    assessments = Assessment.objects.visible_to(user).annotate(score_count=Count("scores")).order_by("-year")
    own = user.deputy_profile
    return render(request, "assessments/index.html", {
        "assessments": assessments if user.has_role(*VIEWERS) else [],
        "my_scores": (AssessmentScore.objects.visible_to(user).filter(deputy=own).select_related("assessment")
                      .order_by("-assessment__year") if own else []),
        "may_assess": user.has_role(*ASSESSORS), "may_view": user.has_role(*VIEWERS),
        "compute_form": compute_form or (ComputeForm() if user.has_role(*ASSESSORS) else None),
        "own": own,
    }, status=status)


@role_required(*VIEWERS)
def detail(request, year):
    return _detail_page(request, _assessment(request, year))


def _detail_page(request, assessment, settings_form=None, status=200):
    user = request.user
    try:
        area_id = int(request.GET.get("area") or 0) or None
    except ValueError:
        area_id = None
    near = request.GET.get("near") == "1"
    grade = request.GET.get("grade", "")[:20]
    scores = selectors.score_table(assessment=assessment, user=user, area_id=area_id, near=near, grade=grade)
    page = Paginator(scores, 50).get_page(request.GET.get("page"))
    visible = AssessmentScore.objects.visible_to(user).filter(assessment=assessment)
    groups = GroupScore.objects.filter(assessment=assessment).select_related("area")
    if not user.is_district_wide:
        groups = groups.filter(area__in=Area.objects.subtree(user.area)) if user.area_id else groups.none()
    areas = Area.objects.in_scope_of(user).towns()
    return render(request, "assessments/detail.html", {
        "assessment": assessment, "page_obj": page, "rules": assessment.rules, "grade_counts":
        selectors.grade_counts(visible), "total_count": visible.count(), "groups": groups,
        "areas": areas, "area_id": area_id, "near": near, "grade": grade,
        "may_assess": user.has_role(*ASSESSORS) and not assessment.is_published,
        "settings_form": settings_form or SettingsForm(initial={"top_share_percent": assessment.top_share_percent,
                                                               "near_margin": assessment.near_margin}),
    }, status=status)


@require_POST
@role_required(*ASSESSORS)
def compute(request):
    form = ComputeForm(request.POST)
    if not form.is_valid():  # the page again, with what was typed and why it was refused
        return _index_page(request, compute_form=form, status=400)
    year = form.cleaned_data["year"]
    existing = Assessment.objects.filter(year=year).first()
    share = form.cleaned_data["top_share_percent"]
    try:
        services.assessment_compute(
            year=year, actor=request.user,
            top_share_percent=share if share is not None or existing is None else None,
            keep_settings=existing is not None and share is None)
    except AssessmentError as exc:
        form.add_error(None, exc.message)
        return _index_page(request, compute_form=form, status=400)
    messages.success(request, _("%(year)s 年度考核已按现有记录重新计算。") % {"year": year})
    return redirect("assessments:detail", year=year)


@require_POST
@role_required(*ASSESSORS)
def update_settings(request, year):
    assessment = _assessment(request, year)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_settings_update(assessment=assessment, actor=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存并重新评定等次。"))
            return redirect("assessments:detail", year=year)
    return _detail_page(request, assessment, settings_form=form, status=400)


@require_POST
@role_required(*ASSESSORS)
def publish(request, year):
    assessment = _assessment(request, year)
    try:
        services.assessment_publish(assessment=assessment, actor=request.user)
        messages.success(request, _("考核结果已发布,今后不再变动。"))
    except AssessmentError as exc:
        messages.error(request, exc.message)
    return redirect("assessments:detail", year=year)


@login_required
def score_detail(request, year, pk):
    score = get_object_or_404(AssessmentScore.objects.visible_to(request.user).select_related("assessment", "area",
                                                                                             "deputy"),
                              pk=pk, assessment__year=year)
    return _score_page(request, score)


def _score_page(request, score, adjust_form=None, status=200):
    may_adjust = request.user.has_role(*ASSESSORS) and not score.assessment.is_published
    return render(request, "assessments/score.html", {
        "score": score, "assessment": score.assessment, "parts": score.parts.all(),
        "adjustments": score.assessment.adjustments.filter(deputy_id=score.deputy_id).select_related("created_by"),
        "adjust_form": (adjust_form or AdjustForm()) if may_adjust else None,
    }, status=status)


@require_POST
@role_required(*ASSESSORS)
def score_adjust(request, year, pk):
    score = get_object_or_404(AssessmentScore.objects.visible_to(request.user), pk=pk, assessment__year=year)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            services.score_adjust(score=score, actor=request.user, **form.cleaned_data)
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("分数已调整,调整记录已保存。"))
            return redirect("assessments:score", year=year, pk=pk)
    if score.assessment.is_published:  # a frozen score shows no form: say why above the page
        for error in (e for errors in form.errors.values() for e in errors):
            messages.error(request, error)
        return redirect("assessments:score", year=year, pk=pk)
    return _score_page(request, score, adjust_form=form, status=400)


@login_required
def part_detail(request, year, pk, part_pk):
    score = get_object_or_404(AssessmentScore.objects.visible_to(request.user).select_related("assessment"),
                              pk=pk, assessment__year=year)
    part = get_object_or_404(score.parts, pk=part_pk)
    kind, records = selectors.part_records(part)
    return render(request, "assessments/part.html", {
        "score": score, "assessment": score.assessment, "part": part, "kind": kind, "records": records})


def _notice_scope(request, assessment):
    """The area a notice is for: None for the district. Area staff only get their own area."""
    user = request.user
    allowed = Area.objects.in_scope_of(user).towns()
    raw = request.GET.get("area")
    if raw:
        try:
            return get_object_or_404(allowed, pk=int(raw))
        except ValueError:
            raise Http404
    if user.is_district_wide:
        return None
    area = allowed.first()
    if area is None:
        raise Http404
    return area


def _notice_context(request, year):
    assessment = _assessment(request, year)
    if not assessment.is_published:
        return assessment, None
    area = _notice_scope(request, assessment)
    return assessment, selectors.notice(assessment=assessment, area=area)


@role_required(*VIEWERS)
def notice(request, year):
    assessment, data = _notice_context(request, year)
    return render(request, "assessments/notice.html", {"assessment": assessment, "data": data,
                                                       "issuer": selectors.issuer(),
                                                       "areas": Area.objects.towns()
                                                       if request.user.is_district_wide else []})


@role_required(*VIEWERS)
def notice_xlsx(request, year):
    assessment, data = _notice_context(request, year)
    if data is None:
        raise Http404
    return exports.notice_xlsx(assessment, data)


@role_required(*VIEWERS)
def rules(request):
    return render(request, "assessments/rules.html", {
        "rules": AssessmentRule.objects.all(), "grades": GradeLevel.objects.all(),
        "may_edit": request.user.has_role(*ASSESSORS)})


@require_POST
@role_required(*ASSESSORS)
def rules_defaults(request):
    n = services.rules_install_defaults(actor=request.user)
    messages.success(request, _("已载入默认规则与等次(%(n)s 条)。") % {"n": n} if n else _("已有规则,未作改动。"))
    return redirect("assessments:rules")


@role_required(*ASSESSORS)
def rule_edit(request, pk=None):
    rule = get_object_or_404(AssessmentRule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.rule_save(rule=rule, actor=request.user, **form.cleaned_data)
        messages.success(request, _("计分规则已保存(已发布的考核不受影响)。"))
        return redirect("assessments:rules")
    return render(request, "assessments/edit.html", {"form": form, "title": _("计分规则")})


@role_required(*ASSESSORS)
def grade_edit(request, pk=None):
    grade = get_object_or_404(GradeLevel, pk=pk) if pk else None
    form = GradeForm(request.POST or None, instance=grade)
    if request.method == "POST" and form.is_valid():
        services.grade_save(grade=grade, actor=request.user, **form.cleaned_data)
        messages.success(request, _("考核等次已保存。"))
        return redirect("assessments:rules")
    return render(request, "assessments/edit.html", {"form": form, "title": _("考核等次")})


@require_POST
@role_required(*ASSESSORS)
def grade_delete(request, pk):
    services.grade_delete(grade=get_object_or_404(GradeLevel, pk=pk), actor=request.user)
    messages.success(request, _("考核等次已删除。"))
    return redirect("assessments:rules")


@role_required(*VIEWERS)
def supervision(request):
    import datetime

    today = datetime.date.today()
    form = SupervisionForm(request.GET or {"year": today.year, "half": 1 if today.month <= 6 else 2})
    data = selectors.supervision(user=request.user, **form.cleaned_data) if form.is_valid() else None
    return render(request, "assessments/supervision.html", {"form": form, "data": data, "halves": Half.choices,
                                                            "cleaned": getattr(form, "cleaned_data", {})})


# --- Performance records (履职档案) ----------------------------------------------------------

def _record(request, deputy_pk):
    deputy = get_object_or_404(selectors.record_deputies(request.user), pk=deputy_pk)
    terms = selectors.terms_for(deputy)
    term = None
    if request.GET.get("term"):
        try:
            term = terms.filter(pk=int(request.GET["term"])).first()
        except ValueError:
            term = None
        if term is None:
            raise Http404
    term = term or terms.first()
    if term is None:
        raise Http404
    return selectors.record(deputy=deputy, term=term) | {"terms": terms}


@login_required
def record(request, deputy_pk):
    rec = _record(request, deputy_pk)
    return render(request, "assessments/record.html", {"record_ctx": rec, "deputy": rec["deputy"], "term": rec["term"],
                                                       "terms": rec["terms"]})


@login_required
def record_print(request, deputy_pk):
    return render(request, "assessments/record_print.html", {"records": [_record(request, deputy_pk)],
                                                             "issuer": selectors.issuer()})


@login_required
def record_xlsx(request, deputy_pk):
    return exports.record_xlsx(_record(request, deputy_pk))


@role_required(*VIEWERS)
def records_batch(request):
    """A whole group or area printed at once (批量打印履职档案)."""
    deputies = selectors.record_deputies(request.user)
    try:
        if request.GET.get("group"):
            group = get_object_or_404(DeputyGroup.objects.visible_to(request.user), pk=int(request.GET["group"]))
            deputies, title = deputies.filter(memberships__group=group), group.name
        elif request.GET.get("area"):
            # Area staff may batch-print only their own area: another town is a 404, not an empty page.
            area = get_object_or_404(Area.objects.in_scope_of(request.user).towns(), pk=int(request.GET["area"]))
            deputies = deputies.filter(mandates__area__in=Area.objects.subtree(area))
            title = area.name
        else:
            return render(request, "assessments/batch.html", {
                "groups": DeputyGroup.objects.visible_to(request.user),
                "areas": Area.objects.in_scope_of(request.user).towns()})
    except ValueError:
        raise Http404
    term_id = request.GET.get("term", "")
    out = selectors.record_batch(deputies=deputies.distinct().order_by("name_pinyin", "id"),
                                 term_id=int(term_id) if term_id.isdigit() else None)
    return render(request, "assessments/record_print.html", {"records": out, "batch_title": title,
                                                             "issuer": selectors.issuer()})
