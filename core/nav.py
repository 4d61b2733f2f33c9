"""Role-based navigation. Each app registers its entries in its AppConfig.ready(); the base
template shows those the user's roles allow, with a work count where one is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str = "circle"
    roles: frozenset = field(default_factory=frozenset)  # empty: every signed-in user
    count: Callable | None = None  # user -> int, a badge of work waiting
    order: int = 100


_REGISTRY: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _REGISTRY[item.key] = item


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    entries = []
    for item in sorted(_REGISTRY.values(), key=lambda i: (i.order, i.key)):
        if item.roles and not (user.roles & item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon,
                        "count": item.count(user) if item.count else None})
    return entries
