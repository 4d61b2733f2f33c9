"""Role-based navigation. Each app registers its entries in its AppConfig.ready(); the base
template shows those the user's roles allow, with a work count where one is given."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    icon: str = "circle"
    roles: frozenset = field(default_factory=frozenset)  # empty: every signed-in user
    count: Callable | None = None  # user -> int, a badge of work waiting
    # user -> QuerySet whose rows are the work waiting: every such badge of a bar is counted in ONE query,
    # each up to BADGE_CAP rows (so a badge costs the same at any size; the list shows the exact total).
    count_query: Callable | None = None
    order: int = 100


_REGISTRY: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    for item in items:
        _REGISTRY[item.key] = item


BADGE_CAP = 100  # a badge shows "99+" from here on


def badge(count: int | None) -> str:
    """What a badge says: the number, or 99+ once it reaches BADGE_CAP."""
    if not count:
        return ""
    return f"{BADGE_CAP - 1}+" if count >= BADGE_CAP else str(count)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    entries, queries = [], {}
    for item in sorted(_REGISTRY.values(), key=lambda i: (i.order, i.key)):
        if item.roles and not (user.roles & item.roles):
            continue
        # A wrong url_name raises NoReverseMatch here: it must fail in tests, never vanish from the bar.
        entries.append({"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon,
                        "count": item.count(user) if item.count else None})
        if item.count_query:
            queries[item.key] = item.count_query
    counts = badge_counts(user, queries)
    for entry in entries:
        if entry["key"] in counts:
            entry["count"] = counts[entry["key"]]
        entry["badge"] = badge(entry["count"])
    return entries


# The badges' counts are kept for NAV_BADGE_CACHE_SECONDS in Redis (shared by every web worker), so a
# page does not count on every request: what others changed shows within that time, and what the user
# changed at once (every unsafe request of theirs drops their entry, core.middleware.NavBadgeMiddleware).
# The key carries the date (overdue and due-soon change at midnight) and what scopes the user.

def _cache_key(user) -> str:
    scope = (sorted(user.roles), getattr(user, "unit_id", None), getattr(user, "area_id", None))
    # crc32, not hash(): str hashes differ between processes, and every web worker must find the same key.
    return f"badges:{user.pk}:{timezone.localdate().isoformat()}:{zlib.crc32(repr(scope).encode()):x}"


def _cache():
    return caches[settings.NAV_BADGE_CACHE]


def badge_counts(user, queries: dict[str, Callable]) -> dict[str, int]:
    """{key: rows of each badge's query, up to BADGE_CAP}, counted in one query or read from the cache."""
    from .queries import count_many

    if not queries:
        return {}
    ttl = settings.NAV_BADGE_CACHE_SECONDS
    key = _cache_key(user) if ttl else None
    if key:
        try:
            cached = _cache().get(key)
        except Exception:  # noqa: BLE001 - Redis down: count live, never fail the page
            logger.warning("navigation badge cache unavailable", exc_info=True)
            key, cached = None, None
        if cached is not None and cached.keys() == queries.keys():
            return cached
    counts = count_many({k: query(user) for k, query in queries.items()}, cap=BADGE_CAP)
    if key:
        try:
            _cache().set(key, counts, ttl)
        except Exception:  # noqa: BLE001
            logger.warning("navigation badge cache unavailable", exc_info=True)
    return counts


def forget_counts(user) -> None:
    """Drop the user's kept badge counts (after they changed something)."""
    if not settings.NAV_BADGE_CACHE_SECONDS or not user.is_authenticated:
        return
    try:
        _cache().delete(_cache_key(user))
    except Exception:  # noqa: BLE001
        logger.warning("navigation badge cache unavailable", exc_info=True)


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
