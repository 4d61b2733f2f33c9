import pathlib
import re

import pytest
from django.urls import NoReverseMatch, reverse

from core import nav
from core.nav import menu


def entry(key, count=None):
    return {"key": key, "label": key, "url": f"/{key}/", "icon": "circle", "count": count}


def test_it_folds_related_entries_into_one_dropdown():
    folded = menu([entry("items_all"), entry("items_research", 3), entry("roster"), entry("other")])
    assert [n.get("section") or n["key"] for n in folded] == ["items", "roster", "other"]
    items = folded[0]
    assert [c["key"] for c in items["children"]] == ["items_all", "items_research"]
    assert items["pending"] is True


def test_it_keeps_a_lone_entry_as_a_plain_link():
    folded = menu([entry("notifications", 2)])
    assert folded == [entry("notifications", 2)]


# ------------------------------------------------------------------ links (issue 10 §5)
# A wrong URL name must fail in tests: no entry vanishes from the bar, no link quietly becomes "#".


@pytest.mark.django_db
def test_every_registered_entry_resolves_for_everyone_it_is_shown_to(cast):
    for name, user in cast.all.items():
        shown = {e["key"]: e["url"] for e in nav.items_for(user)}
        expected = {i.key for i in nav._REGISTRY.values() if not i.roles or user.roles & i.roles}
        assert set(shown) == expected, name
        assert all(url == reverse(nav._REGISTRY[key].url_name) for key, url in shown.items()), name


@pytest.mark.django_db
def test_it_fails_loudly_on_an_entry_with_a_wrong_url_name(cast, monkeypatch):
    monkeypatch.setitem(nav._REGISTRY, "broken", nav.NavItem(key="broken", label="x", url_name="deputy_groups:detail"))
    with pytest.raises(NoReverseMatch):
        nav.items_for(cast.staff)


def test_no_module_or_template_swallows_a_wrong_url_name():
    """`except NoReverseMatch` (or `{% url … as x %}`, which renders nothing for a wrong name) would hide a
    mistyped URL name from every test; the pages all exist, so nothing may fall back."""
    root = pathlib.Path(__file__).resolve().parents[2]
    apps = [d for d in root.iterdir() if d.is_dir() and (d / "__init__.py").exists() and d.name not in {"tests", "bench"}]
    offenders = [p.relative_to(root).as_posix() for app in apps for p in app.rglob("*.py")
                 if re.search(r"except\s*\(?[^:\n]*NoReverseMatch", p.read_text(encoding="utf-8"))]
    offenders += [p.relative_to(root).as_posix() for p in (root / "templates").rglob("*.html")
                  if re.search(r"\{%\s*url\s[^%]*\sas\s+\w+\s*%\}", p.read_text(encoding="utf-8"))]
    assert offenders == []
