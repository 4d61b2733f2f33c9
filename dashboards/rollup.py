"""The triggers that keep the rollups (dashboards/models.py) exact, and their rebuild.

Statement-level AFTER triggers with transition tables: each INSERT / UPDATE / DELETE statement on
``petitions_item``, ``petitions_assignment`` or ``deputy_groups_groupmembership`` subtracts what its
old rows contributed and adds what its new rows contribute, computed with the other tables as they
are (a statement changes one table), grouped and upserted in one pass. A bulk insert of a million
items is one set-based update, a workflow step a handful of single-row upserts; statements that
change no counted column (a title, ``updated_at``) write nothing (``HAVING`` drops zero deltas).

The SQL below is the one definition of what the rollups count; it mirrors dashboards/selectors.py:
collected = submitted and not draft / withdrawn / merged; month = month of ``submitted_at`` in local
time (settings.TIME_ZONE, fixed in ``dashboards_month()`` when the triggers are installed); 满意 =
evaluated and 满意 or 基本满意; on time = the local day of ``handled_at`` on or before ``due_date``.
Upserts run in key order, so concurrent writers lock rollup rows in the same order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

NOT_COLLECTED = "('draft', 'withdrawn', 'merged')"
SATISFIED = "('satisfied', 'basic')"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION dashboards_month(ts timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_trunc('month', ts AT TIME ZONE {tz})::date $$;
CREATE OR REPLACE FUNCTION dashboards_day(ts timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ts AT TIME ZONE {tz})::date $$;
"""


def _items(src: str) -> str:
    """Collected item rows of `src` (a relation with item columns and `sgn`) as counted by the rollups."""
    return f"""
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN {SATISFIED})::int AS sat
        FROM ({src}) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN {NOT_COLLECTED}"""


def _upsert_item_counts(table: str, key: str, rows: str) -> str:
    """Upsert collected/concluded/evaluated/satisfied deltas of `rows` (needs sgn, closed, evald, sat)."""
    return f"""
        INSERT INTO {table} AS t (month, area_id, {key}, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, {key}, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM ({rows}) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, {key}) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;"""


def _upsert_units(rows: str) -> str:
    """`rows`: item columns (as `_items`) joined with lead, not cancelled assignment columns (a_*)."""
    return f"""
        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM ({rows}) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;"""


ASSIGNMENT_COLS = ("a.unit_id AS a_unit_id, a.is_current AS a_is_current, a.handled_at AS a_handled_at, "
                   "a.due_date AS a_due_date")
LEAD = "role = 'lead' AND cancelled_at IS NULL"


def item_statements(src: str) -> str:
    """Everything a change of the item rows in `src` (with `sgn`) does to the rollups."""
    items = _items(src)
    return "\n".join([
        _upsert_item_counts("dashboards_rollupitem", "category", items),
        _upsert_item_counts("dashboards_rollupgroup", "group_id",
                            f"SELECT i.*, gm.group_id FROM ({items}) i "
                            f"JOIN deputy_groups_groupmembership gm ON gm.deputy_id = i.deputy_id"),
        _upsert_units(f"SELECT i.*, {ASSIGNMENT_COLS} FROM ({items}) i "
                      f"JOIN petitions_assignment a ON a.item_id = i.id AND a.{LEAD.replace(' AND ', ' AND a.')}"),
        # The monthly quota: items per (deputy, period); the per-period count of deputies with at least
        # one moves when a deputy's count crosses zero (old = new - delta).
        f"""
        WITH d AS (
            SELECT deputy_id, period, sum(sgn)::int AS delta FROM ({items}) i GROUP BY 1, 2 HAVING sum(sgn) <> 0
        ), up AS (
            INSERT INTO dashboards_rollupdeputymonth AS t (deputy_id, period, items)
            SELECT deputy_id, period, delta FROM d ORDER BY 1, 2
            ON CONFLICT (deputy_id, period) DO UPDATE SET items = t.items + EXCLUDED.items
            RETURNING t.deputy_id, t.period, t.items
        )
        INSERT INTO dashboards_rollupperiod AS t (period, deputies)
        SELECT up.period, sum(CASE WHEN up.items > 0 AND up.items - d.delta <= 0 THEN 1
                                   WHEN up.items <= 0 AND up.items - d.delta > 0 THEN -1 ELSE 0 END)
        FROM up JOIN d USING (deputy_id, period) GROUP BY 1 ORDER BY 1
        ON CONFLICT (period) DO UPDATE SET deputies = t.deputies + EXCLUDED.deputies;""",
        # Every item by state, collected or not (the item list's total).
        f"""
        INSERT INTO dashboards_rollupstate AS t (state, items)
        SELECT s.state, sum(s.sgn) FROM ({src}) s GROUP BY 1 HAVING sum(s.sgn) <> 0 ORDER BY 1
        ON CONFLICT (state) DO UPDATE SET items = t.items + EXCLUDED.items;""",
    ])


def assignment_statements(src: str) -> str:
    """A change of the assignment rows in `src` (with `sgn`): only the unit rollup depends on them."""
    lead = LEAD.replace(" AND ", " AND s.")
    item = _items("SELECT a.a_sgn AS sgn, it.* FROM petitions_item it WHERE it.id = a.item_id")
    rows = (f"SELECT i.*, a.a_unit_id, a.a_is_current, a.a_handled_at, a.a_due_date "
            f"FROM (SELECT s.sgn AS a_sgn, s.item_id, s.unit_id AS a_unit_id, s.is_current AS a_is_current, "
            f"s.handled_at AS a_handled_at, s.due_date AS a_due_date FROM ({src}) s WHERE s.{lead}) a "
            f"JOIN LATERAL ({item}) i ON true")
    return _upsert_units(rows)


def membership_statements(src: str) -> str:
    """A change of group memberships in `src` (with `sgn`): the deputy's items move between groups."""
    items = _items("SELECT m.m_sgn AS sgn, it.* FROM petitions_item it WHERE it.deputy_id = m.deputy_id")
    rows = (f"SELECT i.*, m.group_id FROM (SELECT s.sgn AS m_sgn, s.deputy_id, s.group_id FROM ({src}) s) m "
            f"JOIN LATERAL ({items}) i ON true")
    return _upsert_item_counts("dashboards_rollupgroup", "group_id", rows)


TRIGGERS = [
    # (table, function name, statements builder)
    ("petitions_item", "dashboards_item_changed", item_statements),
    ("petitions_assignment", "dashboards_assignment_changed", assignment_statements),
    ("deputy_groups_groupmembership", "dashboards_membership_changed", membership_statements),
]
ROLLUP_TABLES = ("dashboards_rollupitem", "dashboards_rollupgroup", "dashboards_rollupunit",
                 "dashboards_rollupdeputymonth", "dashboards_rollupperiod", "dashboards_rollupstate")
CLEARS = {"petitions_item": ROLLUP_TABLES, "petitions_assignment": ("dashboards_rollupunit",),
          "deputy_groups_groupmembership": ("dashboards_rollupgroup",)}


def install_sql(tz: str | None = None) -> str:
    """The functions and triggers (idempotent: CREATE OR REPLACE, DROP TRIGGER IF EXISTS)."""
    tz = tz or settings.TIME_ZONE
    parts = [FUNCTIONS.format(tz="'" + tz.replace("'", "''") + "'")]
    for table, name, build in TRIGGERS:
        old, new = "SELECT -1 AS sgn, * FROM old_rows", "SELECT 1 AS sgn, * FROM new_rows"
        parts.append(f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {build(new)}
    ELSIF TG_OP = 'DELETE' THEN
        {build(old)}
    ELSE
        {build(old + ' UNION ALL ' + new)}
    END IF;
    RETURN NULL;
END $fn$;
CREATE OR REPLACE FUNCTION {name}_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    {' '.join(f'DELETE FROM {t};' for t in CLEARS[table])}
    RETURN NULL;
END $fn$;
DROP TRIGGER IF EXISTS dash_ins ON {table};
DROP TRIGGER IF EXISTS dash_upd ON {table};
DROP TRIGGER IF EXISTS dash_del ON {table};
DROP TRIGGER IF EXISTS dash_trunc ON {table};
CREATE TRIGGER dash_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
CREATE TRIGGER dash_upd AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
CREATE TRIGGER dash_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
CREATE TRIGGER dash_trunc AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}_truncate();
""")
    return "\n".join(parts)


def uninstall_sql() -> str:
    parts = []
    for table, name, _build in TRIGGERS:
        parts += [f"DROP TRIGGER IF EXISTS {t} ON {table};" for t in ("dash_ins", "dash_upd", "dash_del", "dash_trunc")]
        parts += [f"DROP FUNCTION IF EXISTS {name}();", f"DROP FUNCTION IF EXISTS {name}_truncate();"]
    parts += ["DROP FUNCTION IF EXISTS dashboards_month(timestamptz);", "DROP FUNCTION IF EXISTS dashboards_day(timestamptz);"]
    return "\n".join(parts)


def rebuild_sql() -> str:
    """Recount every rollup from the source tables, as if every item had just been inserted."""
    return "\n".join([
        # Writers wait until the recount commits; readers go on.
        "LOCK TABLE petitions_item, petitions_assignment, deputy_groups_groupmembership IN SHARE MODE;",
        *[f"DELETE FROM {t};" for t in ROLLUP_TABLES],
        item_statements("SELECT 1 AS sgn, * FROM petitions_item"),
    ])


def rebuild(*, reinstall: bool = True) -> None:
    """Reinstall the triggers (picks up a changed TIME_ZONE) and recount the rollups, in one transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        if reinstall:
            cursor.execute(install_sql())
        cursor.execute(rebuild_sql())
        cursor.execute("ANALYZE " + ", ".join(ROLLUP_TABLES))
    # The figures kept from the old rollups (dashboards/cache.py) are not served again: the rollup tables
    # carry no trigger of their own, and a repair changes figures although no item changed. Bumped after
    # the commit, so no request can keep the old figures under the new value.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('dashboards_generation')")
