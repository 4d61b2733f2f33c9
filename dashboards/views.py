"""统计看板: overview, print view, .xlsx exports, drill-down item lists and the monthly submission grid.

Views are thin: the role check and scope (access.py), the period (forms.py), then selectors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from areas.models import Area
from core.access import role_required
from core.downloads import Rate
from groups.models import DeputyGroup
from petitions.choices import Category
from units.models import HandlingUnit

from . import cache, selectors
from . import render as render_rows
from .access import DASHBOARD_ROLES, choices_for, scope_for
from .exports import download_name, sheet_title, xlsx_response
from .forms import DeputyPickForm, PeriodForm
from .periods import Period, PeriodKind

ROLES = tuple(DASHBOARD_ROLES)


def _period_and_scope(request, scope=None):
    form = PeriodForm(request.GET)
    if scope is None:
        scope = scope_for(request.user, request.GET)
    return form, form.get_period(), scope


def _change(cur, prev):
    if cur is None or prev is None:
        return None
    return cur - prev


def _figures(period, scope, day):
    """(this period's headline, the previous period's, the tables): what `cache.kept` keeps."""
    if selectors.unit_scope_only(scope):  # a unit's own dashboard: one query for all of it
        tables = selectors.unit_overview(period, scope, day=day)
        return tables.pop("cur"), tables.pop("prev"), tables
    late = selectors.overdue_tables(period, scope, day=day)  # one query for the 逾期 of every table
    cur, prev = selectors.headline(period, scope, day=day, overdue=late)
    return cur, prev, {"units": selectors.unit_rows(period, scope, day=day, overdue=late),
                       "areas": selectors.area_rows(period, scope, day=day, overdue=late),
                       "groups": selectors.group_rows(period, scope, day=day, overdue=late),
                       "trend": selectors.monthly_trend(period, scope),
                       "categories": selectors.category_rows(period, scope)}


def dashboard_data(request, scope=None) -> dict:
    """Everything the overview, the print view and the exports show (a fixed number of queries)."""
    form, period, scope = _period_and_scope(request, scope)
    day = selectors.today()
    cur, prev, tables = cache.kept(period, scope, day, lambda: _figures(period, scope, day))
    threshold = form.get_threshold()
    units = tables["units"]
    for u in units:
        u["low"] = u["completion_rate"] is not None and u["completion_rate"] < threshold
    headline = [
        ("collected", _("收集数"), cur.collected, prev.collected, False),
        ("concluded", _("办结数"), cur.concluded, prev.concluded, False),
        ("completion_rate", _("办结率"), cur.completion_rate, prev.completion_rate, True),
        ("satisfaction_rate", _("满意率"), cur.satisfaction_rate, prev.satisfaction_rate, True),
        ("on_time_rate", _("按期办结率"), cur.on_time_rate, prev.on_time_rate, True),
        ("in_progress", _("在办数"), cur.in_progress, prev.in_progress, False),
        ("overdue", _("逾期数"), cur.overdue, prev.overdue, False),
        ("monthly_submission_rate", _("月度报送率"), cur.monthly_submission_rate, prev.monthly_submission_rate, True),
    ]
    scope_qs = urlencode(scope.params())
    return {
        "form": form, "period": period, "previous": period.previous(), "scope": scope, "threshold": threshold,
        "cur": cur, "prev": prev,
        "headline": [{"key": k, "label": label, "value": v, "prev": p, "change": _change(v, p), "is_rate": r,
                      "drill": k in selectors.METRICS} for k, label, v, p, r in headline],
        **tables,
        "overdue_stages": [("overdue_research", _("研处"), cur.overdue_research),
                           ("overdue_handle", _("办理"), cur.overdue_handle)],
        "scope_qs": scope_qs,
        "items_url": reverse("dashboards:items"),  # once, not once per table cell
        "base_qs": urlencode({**period.params(), **scope.params()}),
        "period_qs": request.GET.urlencode(),
        "sheet_title": sheet_title(period, scope),
    }


def _without(params: QueryDict, *names: str) -> QueryDict:
    out = params.copy()
    for name in names:
        out.pop(name, None)
    return out


def _deputy_pick(request, params: QueryDict, scope, *, resolving: bool) -> dict:
    """The deputies matching the picker's text (`deputy_name`) within `scope`, as links to the overview that
    keep the filter bar's other values (`params`) and add deputy=<id>; `chosen` when exactly one matches."""
    form = DeputyPickForm(request.GET)
    text = request.GET.get("deputy_name", "").replace("\x00", "")[:100]  # shown back, escaped, even when invalid
    found, error = [], ""
    if form.is_valid():
        text = form.cleaned_data["deputy_name"]
        if text:
            found = selectors.deputy_candidates(request.user, scope, text)
    else:
        error = form.errors["deputy_name"][0]
    qs = params.urlencode()
    href = f"{reverse('dashboards:overview')}?{qs}{'&' if qs else ''}deputy="
    limit = selectors.PICKER_LIMIT
    return {"text": text, "error": error, "candidates": found[:limit], "more": len(found) > limit, "href": href,
            "chosen": f"{href}{found[0].pk}" if len(found) == 1 else None, "resolving": resolving}


@require_GET
@role_required(*ROLES)
def deputy_picker(request):
    """The deputy picker's choices, an HTML fragment for htmx: up to 20 deputies the user may see that match
    the typed name or pinyin initials, within the filter bar's area and group (sent along with hx-include)."""
    params = _without(request.GET, "deputy", "deputy_name")
    scope = scope_for(request.user, params)
    pick = _deputy_pick(request, params, scope, resolving=False)
    # Stripped: an empty answer leaves the list empty (and hidden, CSS :empty).
    return HttpResponse(render_to_string("dashboards/_deputy_choices.html", {"pick": pick}, request).strip())


def _quarter(period: Period) -> str:
    return str((period.start.month - 1) // 3 + 1)


@require_GET
@role_required(*ROLES)
def period_controls(request):
    """The period controls for the kind just chosen (an HTML fragment for htmx; the same block the page
    renders), filled from the fields of the kind before it."""
    period = PeriodForm(request.GET).get_period()
    return render(request, "dashboards/_period_controls.html", {"period": period, "sel_quarter": _quarter(period)})


@require_GET
@role_required(*ROLES)
def overview(request):
    pick = scope = None
    if request.GET.get("deputy_name", "").strip():
        # A name submitted without choosing (no JavaScript, or Enter): one match is that deputy's dashboard;
        # none or several show a message and the candidates in the filter bar.
        params = _without(request.GET, "deputy", "deputy_name")
        scope = scope_for(request.user, params)
        pick = _deputy_pick(request, params, scope, resolving=True)
        if pick["chosen"]:
            return redirect(pick["chosen"])
    data = dashboard_data(request, scope=scope)
    data["pick"] = pick
    data["deputy_clear_qs"] = _without(request.GET, "deputy", "deputy_name").urlencode()
    data.update(choices_for(request.user, data["scope"]))
    data["kinds"] = PeriodKind.CHOICES
    data["sel_quarter"] = _quarter(data["period"])
    data["chart"] = {
        "trend": {"months": [r["label"] for r in data["trend"]], "collected": [r["collected"] for r in data["trend"]],
                  "concluded": [r["concluded"] for r in data["trend"]],
                  "rate": [None if r["completion_rate"] is None else float(r["completion_rate"]) for r in data["trend"]]},
        "categories": [{"name": r["name"], "value": r["collected"]} for r in data["categories"]],
        "stages": {"names": [str(n) for _k, n, _v in data["overdue_stages"]],
                   "values": [v for _k, _n, v in data["overdue_stages"]]},
    }
    data["unit_options_html"] = render_rows.unit_options(data["unit_choices"], data["scope"].unit)
    data["unit_rows_html"] = render_rows.unit_rows(data["units"], items_url=data["items_url"], base_qs=data["base_qs"])
    return render(request, "dashboards/overview.html", data)


@require_GET
@role_required(*ROLES)
def print_view(request):
    data = dashboard_data(request)
    data["unit_rows_html"] = render_rows.print_unit_rows(data["units"])
    return render(request, "dashboards/print.html", data)


def _rates(row, *columns):
    """`row` with the values at `columns` marked as rates (percent → a 0.0% cell, core/downloads.py)."""
    return [Rate(v) if i in columns else v for i, v in enumerate(row)]


ROW_HEADERS = [_lazy("收集数"), _lazy("办结数"), _lazy("办结率"), _lazy("满意率"), _lazy("逾期数")]
# table: (title, file name, headers, rows)
TABLES = {
    "headline": (_lazy("主要指标"), _lazy("主要指标"), [_lazy("指标"), _lazy("本期"), _lazy("上期"), _lazy("变化")],
                 lambda d: [_rates([str(h["label"]), h["value"], h["prev"], h["change"]],
                                   *((1, 2, 3) if h["is_rate"] else ())) for h in d["headline"]]),
    "units": (_lazy("承办单位办理情况"), _lazy("单位排名"),
              [_lazy("排名"), _lazy("承办单位"), _lazy("交办数"), _lazy("办结数"), _lazy("办结率"),
               _lazy("按期办结率"), _lazy("满意率"), _lazy("逾期数")],
              lambda d: [_rates([i, u["name"], u["assigned"], u["concluded"], u["completion_rate"], u["on_time_rate"],
                                 u["satisfaction_rate"], u["overdue"]], 4, 5, 6) for i, u in enumerate(d["units"], 1)]),
    "areas": (_lazy("分区划统计"), _lazy("分区划统计"), [_lazy("区划"), *ROW_HEADERS],
              lambda d: [_rates([r["name"], r["collected"], r["concluded"], r["completion_rate"],
                                 r["satisfaction_rate"], r["overdue"]], 3, 4) for r in d["areas"]]),
    "groups": (_lazy("分代表小组统计"), _lazy("分代表小组统计"), [_lazy("代表小组"), *ROW_HEADERS],
               lambda d: [_rates([r["name"], r["collected"], r["concluded"], r["completion_rate"],
                                  r["satisfaction_rate"], r["overdue"]], 3, 4) for r in d["groups"]]),
    "trend": (_lazy("月度趋势"), _lazy("月度趋势"), [_lazy("月份"), _lazy("收集数"), _lazy("办结数"), _lazy("办结率")],
              lambda d: [_rates([r["label"], r["collected"], r["concluded"], r["completion_rate"]], 3)
                         for r in d["trend"]]),
    "categories": (_lazy("类别分布"), _lazy("类别分布"), [_lazy("类别"), _lazy("收集数"), _lazy("办结数"), _lazy("办结率")],
                   lambda d: [_rates([r["name"], r["collected"], r["concluded"], r["completion_rate"]], 3)
                              for r in d["categories"]]),
    "overdue": (_lazy("分环节逾期"), _lazy("分环节逾期"), [_lazy("环节"), _lazy("逾期数")],
                lambda d: [[str(n), v] for _k, n, v in d["overdue_stages"]]),
}


@require_GET
@role_required(*ROLES)
def export(request, table):
    if table == "grid":
        return _export_grid(request)
    if table not in TABLES:
        raise Http404
    data = dashboard_data(request)
    name, file_name, headers, rows = TABLES[table]
    period = data["period"]
    title = f"{name} · {period.label} · {data['scope'].label}"
    return xlsx_response(filename=download_name(file_name, period),
                         fallback=f"{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
                         title=title, sheet=data["sheet_title"], headers=[str(h) for h in headers], rows=rows(data))


# ---------------------------------------------------------------- drill-down (the items behind a number)

METRIC_LABELS = {
    "collected": _lazy("收集"), "concluded": _lazy("已办结"), "in_progress": _lazy("在办"), "overdue": _lazy("逾期"),
    "overdue_research": _lazy("研处逾期"), "overdue_handle": _lazy("办理逾期"), "evaluated": _lazy("已评价"),
    "satisfied": _lazy("满意(含基本满意)"),
}


def _by(model, value):
    if value in (None, ""):
        return None
    try:
        return model.objects.get(pk=int(value))
    except (ValueError, model.DoesNotExist):
        raise Http404 from None


def _drill(request):
    """The drill-down's period, scope, metric and filters from the GET parameters, and its items."""
    _form, period, scope = _period_and_scope(request)
    metric = request.GET.get("metric", "collected")
    if metric not in selectors.METRICS:
        raise Http404
    category = request.GET.get("category") or None
    if category is not None and category not in Category.values:
        raise Http404
    by = {"by_unit": _by(HandlingUnit, request.GET.get("by_unit")), "by_area": _by(Area, request.GET.get("by_area")),
          "by_group": _by(DeputyGroup, request.GET.get("by_group")), "category": category}
    qs = (selectors.drill_items(period, scope, metric=metric, **by)
          .select_related("deputy", "area", "lead_unit").order_by("-submitted_at", "-pk"))
    filters = [str(by[k]) for k in ("by_unit", "by_area", "by_group") if by[k] is not None]
    if category:
        filters.append(str(Category(category).label))
    return period, scope, metric, by, filters, qs


@require_GET
@role_required(*ROLES)
def items(request):
    """Exactly the items behind a dashboard number, paginated; the count equals the number clicked."""
    period, scope, metric, by, filters, qs = _drill(request)
    paginator = Paginator(qs, 50)
    known = selectors.drill_count(period, scope, metric=metric, **by)
    if known is not None:
        paginator.count = known  # from the rollups: the same number the dashboard showed
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "dashboards/items.html", {
        "period": period, "scope": scope, "metric_label": METRIC_LABELS[metric], "filters": filters,
        "page_obj": page, "count": page.paginator.count,
        "back_qs": urlencode({**period.params(), **scope.params(), "period": PeriodKind.RANGE}),
        "export_qs": _without(request.GET, "page").urlencode(),
    })


ITEM_HEADERS = [_lazy("编号"), _lazy("标题"), _lazy("提交代表"), _lazy("区划"), _lazy("主办单位"), _lazy("状态"),
                _lazy("提交日期"), _lazy("本环节截止")]


@require_GET
@role_required(*ROLES)
def items_export(request):
    """The drill-down list as .xlsx: every item the list shows (all its pages), in the same order."""
    period, scope, metric, _by_, filters, qs = _drill(request)
    label = _("%(metric)s事项") % {"metric": METRIC_LABELS[metric]}
    title = " · ".join([label, period.label, scope.label, *filters])
    rows = [[it.number, it.title, it.deputy.name, it.area.name if it.area_id else "",
             (it.lead_unit.short_name or it.lead_unit.name) if it.lead_unit_id else "", it.get_state_display(),
             f"{timezone.localtime(it.submitted_at):%Y-%m-%d}" if it.submitted_at else "",
             f"{it.stage_due:%Y-%m-%d}" if it.stage_due else ""] for it in qs.iterator(chunk_size=500)]
    return xlsx_response(filename=download_name(label, period),
                         fallback=f"items-{metric}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
                         title=title, sheet=sheet_title(period, scope), headers=[str(h) for h in ITEM_HEADERS],
                         rows=rows)


# ---------------------------------------------------------------- deputy × month grid (月度报送)

def _grid(request):
    scope = scope_for(request.user, request.GET)
    if scope.unit is not None:
        raise Http404  # a unit has no deputies who owe items
    try:
        year = int(request.GET.get("year") or selectors.today().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    order = request.GET.get("order", "name")
    period = Period.year(year)
    return scope, year, order, period


@require_GET
@role_required(*ROLES)
def submissions(request):
    scope, year, order, period = _grid(request)
    qs = selectors.deputy_month_grid(year, scope, order=order)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    by_month = selectors.submission_by_month(period, scope)
    day = selectors.today()
    data = {"scope": scope, "year": year, "order": order, "page_obj": page, "by_month": by_month,
            "rows": selectors.grid_rows(page.object_list, year, day=day), "months": range(1, 13),
            "owed": selectors.months_started(year, day=day), "period": period,
            "scope_qs": urlencode(scope.params())}
    data.update(choices_for(request.user, scope))
    return render(request, "dashboards/submissions.html", data)


def _export_grid(request):
    scope, year, order, period = _grid(request)
    rows = [[d.name, *[getattr(d, f"m{m}") for m in range(1, 13)], d.met]
            for d in selectors.deputy_month_grid(year, scope, order=order)]
    headers = [_("代表"), *[_("%(month)s月") % {"month": m} for m in range(1, 13)], _("达标月数")]
    title = _("月度报送 · %(year)s年 · %(scope)s") % {"year": year, "scope": scope.label}
    return xlsx_response(filename=download_name(_("月度报送"), period), fallback=f"submissions-{year}.xlsx",
                         title=title, sheet=sheet_title(period, scope),
                         headers=[str(h) for h in headers], rows=rows)
