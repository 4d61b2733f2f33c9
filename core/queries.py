"""Query helpers the apps share."""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg


def ids_by(qs, group: str, key: str = "pk") -> dict[int, list[int]]:
    """{value of `group`: sorted distinct values of `key`} over `qs`, in one GROUP BY query — e.g. each
    deputy's record ids, what the points and the annual assessment count."""
    rows = qs.order_by().values(group).annotate(ids=ArrayAgg(key, order_by=key, distinct=True))
    return {r[group]: r["ids"] for r in rows}
