from django import template
from django.utils.translation import gettext

from core.text import mask_id_number, mask_mobile

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def masked_mobile(value):
    return mask_mobile(value)


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.filter
def percent(value):
    """A rate already in percent (93.5) shown as 93.5%; None as —."""
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def duration_cn(value):
    """A timedelta as 30 分钟 / 2 小时 / 1 小时 30 分钟."""
    if not value:
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = (([gettext("%(hours)s 小时") % {"hours": hours}] if hours else [])
             + ([gettext("%(minutes)s 分钟") % {"minutes": minutes}] if minutes else []))
    return " ".join(parts)
