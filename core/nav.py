"""Role-based navigation. Each app registers its entries in its AppConfig.ready(); the base
template shows those the user's roles allow, with a work count where one is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


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
        # A wrong url_name raises NoReverseMatch here: it must fail in tests, never vanish from the bar.
        entries.append({"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon,
                        "count": item.count(user) if item.count else None})
    return entries


# Sections group related entries into one dropdown so the bar fits a desktop and a phone.
# An entry belongs to the first section whose test accepts its key; the rest stand alone.
SECTIONS = [
    ("items", "社情民意", "chat-square-text", lambda key: key.startswith("items_")),
    ("people", "代表履职", "people", lambda key: key in {"roster", "groups", "my_group", "activities", "assessments", "points",
                                                       "publicity", "liaison"}),
    ("stats", "统计分析", "bar-chart", lambda key: key in {"dashboards", "ledger"}),
    ("notify", "通知", "bell", lambda key: key in {"notifications", "notification_monitor"}),
    ("projects", "民生实事", "check2-square", lambda key: key in {"project_rounds", "projects", "project_issues"}),
]


def menu(entries: list[dict]) -> list[dict]:
    """Fold the flat entries into sections; a section with one entry stays a plain link."""
    from django.utils.translation import gettext

    out: list[dict] = []
    sections: dict[str, dict] = {}
    for entry in entries:
        for key, label, icon, accepts in SECTIONS:
            if accepts(entry["key"]):
                if key not in sections:
                    sections[key] = {"section": key, "label": gettext(label), "icon": icon, "children": []}
                    out.append(sections[key])
                sections[key]["children"].append(entry)
                break
        else:
            out.append(entry)
    folded = []
    for node in out:
        if "children" in node and len(node["children"]) == 1:
            folded.append(node["children"][0])
        elif "children" in node:
            node["pending"] = any(child["count"] for child in node["children"])
            node["urls"] = [child["url"] for child in node["children"]]
            folded.append(node)
        else:
            folded.append(node)
    return folded
