"""Group page sections (代表小组页面的栏目): other apps add cards to the group page.

The dashboards register the group's monthly submission grid (月度报送情况, dashboards/apps.py):

    from groups.sections import register

    @register(order=10)
    def monthly_submissions(request, group):
        return {"key": "monthly", "title": "月度报送情况", "template": "dashboards/_group_monthly.html",
                "context": {...}}
"""

from collections.abc import Callable

_SECTIONS: list[tuple[int, str, Callable]] = []


def register(order: int = 100):
    def decorator(fn):
        key = f"{fn.__module__}.{fn.__qualname__}"
        _SECTIONS[:] = [s for s in _SECTIONS if s[1] != key]
        _SECTIONS.append((order, key, fn))
        _SECTIONS.sort(key=lambda s: (s[0], s[1]))
        return fn

    return decorator


def sections_for(request, group) -> list[dict]:
    out = []
    for _order, _key, fn in _SECTIONS:
        section = fn(request, group)
        if section:
            section.setdefault("context", {})
            out.append(section)
    return out
