"""The session report's drill-down links: a figure's count linked to exactly the suggestions it counts."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def drill_url(session_id: int, key: str, unit_id: int | None = None) -> str:
    params = {"session": session_id, "figure": key}
    if unit_id:
        params["figure_unit"] = unit_id
    return f"{reverse('suggestions:list')}?{urlencode(params)}"


@register.simple_tag(takes_context=True)
def drill(context, value, key, unit_id=None):
    """`value` linked to the list of figure `key` (of the unit row `unit_id`); plain on the print page."""
    if context.get("printing"):
        return value
    return format_html('<a href="{}" data-testid="drill-{}">{}</a>', drill_url(context["session"].pk, key, unit_id),
                       key, value)


@register.simple_tag
def drill_href(session_id, key, unit_id=None):
    return drill_url(session_id, key, unit_id)
