"""The item list's rows rendered in Python (issue 16): twenty rows of eight cells, and for a deputy the
same twenty again as phone cards, cost the template engine more than the rest of the page (every
variable and filter resolved per cell, every state label looked up through gettext per row). The
markup is the template's (escaped the same way); the labels are looked up once per page."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .choices import CLOCKED_STATES
from .models import Item, item_number

# What one row reads (values(), no model instances): the list's columns and nothing else.
ROW_FIELDS = ("pk", "title", "supervised", "state", "stage_due", "period")


def values(qs) -> QuerySet:
    """`qs` (sorted, unsliced) as the rows' values. The deputy's, area's and lead unit's names are scalar
    subqueries, not joins: PostgreSQL looks them up for the page's twenty rows only, after the sort, and
    plans the query without weighing join orders — with three joins beside the lists' EXISTS clauses the
    planning alone took 5–6 ms of a unit's 待办理 page at 1,000,000 items, more than running it (issue 16)."""
    from areas.models import Area
    from deputies.models import Deputy
    from units.models import HandlingUnit

    def name(model, field):
        return Subquery(model.objects.filter(pk=OuterRef(field)).order_by().values("name"))

    return qs.values(*ROW_FIELDS, deputy_name=name(Deputy, "deputy_id"), area_name=name(Area, "area_id"),
                     unit_name=name(HandlingUnit, "lead_unit_id"))


def rows(qs) -> list[dict]:
    """The page's rows (`qs` an item_list queryset, already sliced by the paginator) as plain dicts with
    every shown text made once: number, link, state label, due date and whether it is overdue."""
    from django.utils import timezone

    today = timezone.localdate()
    states = {value: str(label) for value, label in Item._meta.get_field("state").flatchoices}
    prefix = reverse("petitions:detail", args=[0])[:-2]  # "/items/0/" -> "/items/"
    out = []
    for r in qs:
        due = r["stage_due"]
        out.append({
            "number": item_number(r["pk"], r["period"]), "url": f"{prefix}{r['pk']}/", "title": r["title"],
            "supervised": r["supervised"], "state": states.get(r["state"], r["state"]),
            "deputy": r["deputy_name"], "area": r["area_name"], "unit": r["unit_name"],
            "due": due.strftime("%Y-%m-%d") if due else "",
            "overdue": bool(due) and r["state"] in CLOCKED_STATES and due < today,
            "period": r["period"].strftime("%Y-%m") if r["period"] else ""})
    return out


def _due(row, *, label: str = "") -> str:
    cls = ' class="text-danger fw-semibold"' if row["overdue"] else ' class=""'
    return f'<span{cls}>{label}{row["due"]}</span>'


def table_rows(rows: list[dict]) -> SafeString:
    """The <tr>s of the list's table."""
    supervised = f' <span class="badge text-bg-danger">{escape(_("督办"))}</span>'
    dash = "—"
    out = []
    for r in rows:
        deputy = escape(r["deputy"] or "")
        unit = escape(r["unit"]) if r["unit"] else ""
        out.append(
            f'\n  <tr>\n    <td class="text-nowrap small">{r["number"]}</td>\n'
            f'    <td><a href="{r["url"]}">{escape(Truncator(r["title"]).chars(40))}</a>\n'
            f'      {supervised.lstrip() if r["supervised"] else ""}\n'
            f'      <div class="d-md-none small text-muted">{deputy}{f" · {unit}" if unit else ""}</div></td>\n'
            f'    <td class="d-none d-md-table-cell">{deputy}</td>\n'
            f'    <td class="d-none d-lg-table-cell">{escape(r["area"]) if r["area"] else dash}</td>\n'
            f'    <td><span class="badge text-bg-light border">{escape(r["state"])}</span></td>\n'
            f'    <td class="d-none d-md-table-cell small">{unit or dash}</td>\n'
            f'    <td class="d-none d-md-table-cell small text-nowrap">{_due(r) if r["due"] else dash}</td>\n'
            f'    <td class="d-none d-lg-table-cell small">{r["period"]}</td>\n  </tr>\n  ')
    return mark_safe("".join(out))  # noqa: S308 - every interpolated text is escaped above


def card_rows(rows: list[dict]) -> SafeString:
    """The phone cards of a deputy's list (the same rows)."""
    supervised = f' <span class="badge text-bg-danger">{escape(_("督办"))}</span>'
    due_label = escape(_("截止")) + " "
    out = []
    for r in rows:
        unit = f' · {escape(r["unit"])}' if r["unit"] else ""
        due = f" · {_due(r, label=due_label)}" if r["due"] else ""
        out.append(
            f'\n  <a class="card mb-2 text-decoration-none text-body" href="{r["url"]}" data-testid="item-card">\n'
            f'    <div class="card-body py-2 px-3">\n'
            f'      <div class="d-flex justify-content-between align-items-start gap-2">\n'
            f'        <span class="fw-semibold text-break minw-0">{escape(Truncator(r["title"]).chars(60))}</span>\n'
            f'        <span class="badge text-bg-light border flex-shrink-0">{escape(r["state"])}</span>\n'
            f'      </div>\n'
            f'      <div class="small text-muted mt-1 text-break">{r["number"]} · {r["period"]}{unit}{due}'
            f'{supervised if r["supervised"] else ""}</div>\n'
            f'    </div>\n  </a>\n  ')
    return mark_safe("".join(out))  # noqa: S308 - every interpolated text is escaped above
