"""Home-page panels (工作台). Apps register a panel function that returns None (not for this
user) or a dict with a title, template and context; the home page shows them in order."""

from collections.abc import Callable

_PANELS: list[tuple[int, Callable]] = []


def register(order: int = 100):
    def decorator(fn):
        _PANELS.append((order, fn))
        _PANELS.sort(key=lambda p: p[0])
        return fn

    return decorator


def panels_for(request) -> list[dict]:
    out = []
    for _order, fn in _PANELS:
        panel = fn(request)
        if panel:
            out.append(panel)
    return out
