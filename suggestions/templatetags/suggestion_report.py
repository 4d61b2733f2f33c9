"""The session report's drill-down links: a figure's count linked to exactly the suggestions it counts."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

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
    """A rate with its part and whole, each linked to its suggestions: "66.7% (2/3)" (the unit table has
    five per row; a tag, not an include, keeps a large session's report fast)."""
    shown = "—" if rate is None else format_html("{}%", rate)
    return format_html('{} <span class="small text-muted text-nowrap">({}/{})</span>', shown,
                       drill(context, part, part_key, unit_id), drill(context, whole, whole_key, unit_id))
