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
