from django import template

register = template.Library()


@register.filter
def signed(value, is_rate=False):
    """A change against the previous period: +12 / −3 / 0, or +1.5 个百分点 for rates; — when unknown."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    magnitude = abs(value)
    text = f"{magnitude:.1f}" if is_rate else f"{magnitude:,}"
    return f"{sign}{text}{' 个百分点' if is_rate else ''}"


@register.filter
def pct(value):
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def metric_cells(row):
    """(metric, value) of a table row's clickable counts, in column order."""
    return [("collected", row["collected"]), ("concluded", row["concluded"]), ("overdue", row["overdue"])]
