"""Profile sections (代表履职档案的栏目): the extension point of the deputy profile page.

Other apps (opinion items, activities, assessments) add a section to every deputy's profile
without touching this app, the way `core.home` panels work:

    from deputies.profile import register

    @register(order=20)
    def items_section(request, deputy):
        if not request.user.has_role(...):
            return None                      # not shown to this user
        return {"key": "items", "title": "社情民意", "template": "petitions/_profile_items.html",
                "context": {"items": ...}}

The profile page renders each returned section as a card in `order`; the section template gets
`deputy`, `section` and the section's `context` keys.
"""

from collections.abc import Callable

_SECTIONS: list[tuple[int, str, Callable]] = []


def register(order: int = 100):
    def decorator(fn):
        key = f"{fn.__module__}.{fn.__qualname__}"
        _SECTIONS[:] = [s for s in _SECTIONS if s[1] != key]  # re-registering (autoreload) replaces
        _SECTIONS.append((order, key, fn))
        _SECTIONS.sort(key=lambda s: (s[0], s[1]))
        return fn

    return decorator


def sections_for(request, deputy) -> list[dict]:
    out = []
    for _order, _key, fn in _SECTIONS:
        section = fn(request, deputy)
        if section:
            section.setdefault("context", {})
            out.append(section)
    return out
