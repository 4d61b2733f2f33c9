"""The session report's drill-down links: a figure's count linked to exactly the suggestions it counts."""

from __future__ import annotations

import html
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def drill_url(session_id: int, key: str, unit_id: int | None = None, base: str | None = None) -> str:
    """The list of figure `key`; `base` the list's URL when the caller has reversed it already (a report
    has some 700 of these links)."""
    # Ids and figure keys need no quoting; anything else goes through urlencode.
    if isinstance(session_id, int) and key.isidentifier() and (not unit_id or isinstance(unit_id, int)):
        query = f"session={session_id}&figure={key}" + (f"&figure_unit={unit_id}" if unit_id else "")
    else:
        params = {"session": session_id, "figure": key}
        if unit_id:
            params["figure_unit"] = unit_id
        query = urlencode(params)
    return f"{base or reverse('suggestions:list')}?{query}"


@register.simple_tag(takes_context=True)
def drill(context, value, key, unit_id=None):
    """`value` linked to the list of figure `key` (of the unit row `unit_id`); plain on the print page."""
    if context.get("printing"):
        return value
    url = drill_url(context["session"].pk, key, unit_id, context.get("drill_base"))
    return format_html('<a href="{}" data-testid="drill-{}">{}</a>', url, key, value)


@register.simple_tag
def drill_href(session_id, key, unit_id=None):
    return drill_url(session_id, key, unit_id)


@register.simple_tag(takes_context=True)
def rate_cell(context, rate, part, part_key, whole, whole_key, unit_id=None):
    """A rate with its part and whole, each linked to its suggestions: "66.7% (2/3)" (`unit_rows` builds
    the unit table's rate cells alike)."""
    shown = "—" if rate is None else format_html("{}%", rate)
    return format_html('{} <span class="small text-muted text-nowrap">({}/{})</span>', shown,
                       drill(context, part, part_key, unit_id), drill(context, whole, whole_key, unit_id))



@register.simple_tag(takes_context=True)
def unit_rows(context, units):
    """The unit table's rows (`unit_report`), each figure linked to its list exactly as `drill` and
    `rate_cell` link them, built in one pass (30 units × 24 links would be some 700 tag renders).
    `html.escape` is what Django's `escape` applies, without its lazy-string wrapper per call."""
    printing = bool(context.get("printing"))
    session_id, base = context["session"].pk, context.get("drill_base")

    def link(value, key, unit_id):
        if printing:
            return html.escape(str(value))
        href = html.escape(drill_url(session_id, key, unit_id, base))
        return f'<a href="{href}" data-testid="drill-{html.escape(key)}">{html.escape(str(value))}</a>'

    def rate(value, c, part_key, whole_key, unit_id):
        shown = "—" if value is None else f"{html.escape(str(value))}%"
        return (f'{shown} <span class="small text-muted text-nowrap">({link(c[part_key], part_key, unit_id)}/'
                f"{link(c[whole_key], whole_key, unit_id)})</span>")

    out = []
    for u in units:
        uid, c = u["unit_id"], u["counts"]

        def cells(*keys):
            return "".join(f"<td>{link(u[k], k, uid)}</td>" for k in keys)  # noqa: B023 - used at once

        out.append(
            f'\n  <tr data-testid="unit-row">\n    <td class="text-nowrap">{html.escape(str(u["name"]))}</td>'
            f'{cells("total", "accepted", "merged")}\n    {cells("not_accepted", "answered", "concluded")}'
            f'\n    <td>{rate(u["completion_rate"], c, "concluded", "accepted", uid)}</td>'
            "\n    " + "".join(f"<td>{link(n, f'class_{cls}', uid)}</td>" for cls, n in u["classes"])
            + f'\n    <td>{rate(u["on_time_rate"], c, "on_time", "replied", uid)}</td>'
            f'\n    <td>{rate(u["meeting_rate"], c, "met", "answered", uid)}</td>'
            f'\n    <td>{rate(u["work_satisfaction_rate"], c, "work_good", "work_rated", uid)}</td>'
            f'\n    <td>{rate(u["result_satisfaction_rate"], c, "result_good", "result_rated", uid)}</td>'
            f'\n    <td class="text-nowrap">{link(u["work_unrated"], "work_unrated", uid)}/'
            f'{link(u["result_unrated"], "result_unrated", uid)}</td>\n  </tr>\n  ')
    return mark_safe("".join(out))  # every value is escaped above
