"""Table rows rendered in Python: the unit ranking has one row per handling unit (200 in the district),
eight cells each, and the template engine's per-variable and per-filter cost was most of the page's
Python time. Same markup as the templates had (escaped the same way); figures untouched."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .templatetags.dashboard_tags import pct


def unit_rows(units: list[dict], *, items_url: str, base_qs: str) -> SafeString:
    """The <tr> rows of the overview's unit table (drill-down links built once, by string formatting)."""
    href = escape(f"{items_url}?{base_qs}") + "&metric="
    badge = f' <span class="badge text-bg-danger">{escape(_("低于预警线"))}</span>'
    out = []
    for i, u in enumerate(units, 1):
        name, uid = escape(u["name"]), u["unit_id"]
        low = u["low"]
        out.append(
            f'\n      <tr class="{"table-danger" if low else ""}" data-testid="unit-row" data-unit="{name}">\n'
            f'        <td>{i}</td>\n'
            f'        <td>{name}{badge if low else ""}</td>\n'
            f'        <td class="num"><a href="{href}collected&by_unit={uid}">{u["assigned"]}</a></td>\n'
            f'        <td class="num"><a href="{href}concluded&by_unit={uid}">{u["concluded"]}</a></td>\n'
            f'        <td class="num">{pct(u["completion_rate"])}</td>\n'
            f'        <td class="num">{pct(u["on_time_rate"])}</td>\n'
            f'        <td class="num">{pct(u["satisfaction_rate"])}</td>\n'
            f'        <td class="num"><a href="{href}overdue&by_unit={uid}" data-testid="unit-overdue">'
            f'{u["overdue"]}</a></td>\n'
            f'      </tr>\n    ')
    return mark_safe("".join(out))  # noqa: S308 - every interpolated text is escaped above


BOLD = ' class="fw-bold"'


def print_unit_rows(units: list[dict]) -> SafeString:
    """The <tr> rows of the print view's unit table."""
    out = []
    for i, u in enumerate(units, 1):
        low = u["low"]
        out.append(
            f'<tr{BOLD if low else ""}><td>{i}</td><td>{escape(u["name"])}{" ▲" if low else ""}</td>'
            f'<td class="num">{u["assigned"]}</td><td class="num">{u["concluded"]}</td>'
            f'<td class="num">{pct(u["completion_rate"])}</td><td class="num">{pct(u["on_time_rate"])}</td>'
            f'<td class="num">{pct(u["satisfaction_rate"])}</td><td class="num">{u["overdue"]}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 - every interpolated text is escaped above


def unit_options(units, selected) -> SafeString:
    """The <option>s of the unit picker (200 in the district): `units` a HandlingUnit queryset."""
    sel = getattr(selected, "pk", None)
    return mark_safe("".join(  # noqa: S308 - the labels are escaped
        f'<option value="{pk}"{" selected" if pk == sel else ""}>{escape(short or name)}</option>'
        for pk, short, name in units.values_list("pk", "short_name", "name")))
