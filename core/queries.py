"""Query helpers the apps share."""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import EmptyResultSet
from django.db import connection


def ids_by(qs, group: str, key: str = "pk") -> dict[int, list[int]]:
    """{value of `group`: sorted distinct values of `key`} over `qs`, in one GROUP BY query — e.g. each
    deputy's record ids, what the points and the annual assessment count."""
    rows = qs.order_by().values(group).annotate(ids=ArrayAgg(key, order_by=key, distinct=True))
    return {r[group]: r["ids"] for r in rows}


def count_many(querysets: dict, cap: int | None = None) -> dict[str, int]:
    """{key: number of rows of each queryset} in ONE query (`SELECT (SELECT COUNT(*) …), …`), each
    counted up to `cap` rows when given — what the navigation badges need on every page."""
    out, parts, params = {}, [], []
    for key, qs in querysets.items():
        rows = qs.order_by().values("pk")
        if cap is not None:
            rows = rows[:cap]
        try:
            sql, sql_params = rows.query.sql_with_params()
        except EmptyResultSet:  # e.g. .none(): nothing to ask the database
            out[key] = 0
            continue
        parts.append((key, f"(SELECT COUNT(*) FROM ({sql}) AS c{len(parts)})"))
        params.extend(sql_params)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _, sql in parts), params)
            out.update(zip((key for key, _ in parts), cursor.fetchone(), strict=True))
    return out
