"""Version 1 of the dashboard rollup triggers (installed by migration dashboards/0005_rollup_triggers),
frozen: the SQL text exactly as dashboards/rollup.py generated it when that migration was written.

NEVER EDIT THIS FILE. A migration must do tomorrow what it did the day it was written, so it runs
this text, not the live generator in rollup.py. To change the triggers: change rollup.py, copy its
output (``install_sql(tz="__XIANGSHAN_TZ__")``, ``uninstall_sql()``, ``rebuild_sql()``) into a new
module rollup_v2.py, make it ``LATEST`` in __init__.py and add a migration that installs it;
tests/dashboards/test_check_rollups.py fails until the latest version equals rollup.py's output.
"""

# ruff: noqa: E501, W291, W293 - the SQL text is frozen byte for byte, long lines and all

from __future__ import annotations

VERSION = 1

# The local time zone is filled in at migrate time (settings.TIME_ZONE), as a quoted SQL literal.
TZ_PLACEHOLDER = "'__XIANGSHAN_TZ__'"

INSTALL = """
CREATE OR REPLACE FUNCTION dashboards_month(ts timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT date_trunc('month', ts AT TIME ZONE '__XIANGSHAN_TZ__')::date $$;
CREATE OR REPLACE FUNCTION dashboards_day(ts timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ts AT TIME ZONE '__XIANGSHAN_TZ__')::date $$;


CREATE OR REPLACE FUNCTION dashboards_item_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO dashboards_rollupitem AS t (month, area_id, category, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, category, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, category) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupgroup AS t (month, area_id, group_id, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, group_id, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (SELECT i.*, gm.group_id FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN deputy_groups_groupmembership gm ON gm.deputy_id = i.deputy_id) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, group_id) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM (SELECT i.*, a.unit_id AS a_unit_id, a.is_current AS a_is_current, a.handled_at AS a_handled_at, a.due_date AS a_due_date FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN petitions_assignment a ON a.item_id = i.id AND a.role = 'lead' AND a.cancelled_at IS NULL) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;

        WITH d AS (
            SELECT deputy_id, period, sum(sgn)::int AS delta FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i GROUP BY 1, 2 HAVING sum(sgn) <> 0
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
        ON CONFLICT (period) DO UPDATE SET deputies = t.deputies + EXCLUDED.deputies;

        INSERT INTO dashboards_rollupstate AS t (state, items)
        SELECT s.state, sum(s.sgn) FROM (SELECT 1 AS sgn, * FROM new_rows) s GROUP BY 1 HAVING sum(s.sgn) <> 0 ORDER BY 1
        ON CONFLICT (state) DO UPDATE SET items = t.items + EXCLUDED.items;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO dashboards_rollupitem AS t (month, area_id, category, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, category, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, category) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupgroup AS t (month, area_id, group_id, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, group_id, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (SELECT i.*, gm.group_id FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN deputy_groups_groupmembership gm ON gm.deputy_id = i.deputy_id) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, group_id) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM (SELECT i.*, a.unit_id AS a_unit_id, a.is_current AS a_is_current, a.handled_at AS a_handled_at, a.due_date AS a_due_date FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN petitions_assignment a ON a.item_id = i.id AND a.role = 'lead' AND a.cancelled_at IS NULL) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;

        WITH d AS (
            SELECT deputy_id, period, sum(sgn)::int AS delta FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i GROUP BY 1, 2 HAVING sum(sgn) <> 0
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
        ON CONFLICT (period) DO UPDATE SET deputies = t.deputies + EXCLUDED.deputies;

        INSERT INTO dashboards_rollupstate AS t (state, items)
        SELECT s.state, sum(s.sgn) FROM (SELECT -1 AS sgn, * FROM old_rows) s GROUP BY 1 HAVING sum(s.sgn) <> 0 ORDER BY 1
        ON CONFLICT (state) DO UPDATE SET items = t.items + EXCLUDED.items;
    ELSE
        
        INSERT INTO dashboards_rollupitem AS t (month, area_id, category, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, category, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows UNION ALL SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, category) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupgroup AS t (month, area_id, group_id, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, group_id, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (SELECT i.*, gm.group_id FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows UNION ALL SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN deputy_groups_groupmembership gm ON gm.deputy_id = i.deputy_id) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, group_id) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM (SELECT i.*, a.unit_id AS a_unit_id, a.is_current AS a_is_current, a.handled_at AS a_handled_at, a.due_date AS a_due_date FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows UNION ALL SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN petitions_assignment a ON a.item_id = i.id AND a.role = 'lead' AND a.cancelled_at IS NULL) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;

        WITH d AS (
            SELECT deputy_id, period, sum(sgn)::int AS delta FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT -1 AS sgn, * FROM old_rows UNION ALL SELECT 1 AS sgn, * FROM new_rows) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i GROUP BY 1, 2 HAVING sum(sgn) <> 0
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
        ON CONFLICT (period) DO UPDATE SET deputies = t.deputies + EXCLUDED.deputies;

        INSERT INTO dashboards_rollupstate AS t (state, items)
        SELECT s.state, sum(s.sgn) FROM (SELECT -1 AS sgn, * FROM old_rows UNION ALL SELECT 1 AS sgn, * FROM new_rows) s GROUP BY 1 HAVING sum(s.sgn) <> 0 ORDER BY 1
        ON CONFLICT (state) DO UPDATE SET items = t.items + EXCLUDED.items;
    END IF;
    RETURN NULL;
END $fn$;
CREATE OR REPLACE FUNCTION dashboards_item_changed_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM dashboards_rollupitem; DELETE FROM dashboards_rollupgroup; DELETE FROM dashboards_rollupunit; DELETE FROM dashboards_rollupdeputymonth; DELETE FROM dashboards_rollupperiod; DELETE FROM dashboards_rollupstate;
    RETURN NULL;
END $fn$;
DROP TRIGGER IF EXISTS dash_ins ON petitions_item;
DROP TRIGGER IF EXISTS dash_upd ON petitions_item;
DROP TRIGGER IF EXISTS dash_del ON petitions_item;
DROP TRIGGER IF EXISTS dash_trunc ON petitions_item;
CREATE TRIGGER dash_ins AFTER INSERT ON petitions_item REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_item_changed();
CREATE TRIGGER dash_upd AFTER UPDATE ON petitions_item REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_item_changed();
CREATE TRIGGER dash_del AFTER DELETE ON petitions_item REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_item_changed();
CREATE TRIGGER dash_trunc AFTER TRUNCATE ON petitions_item FOR EACH STATEMENT EXECUTE FUNCTION dashboards_item_changed_truncate();


CREATE OR REPLACE FUNCTION dashboards_assignment_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM (SELECT i.*, a.a_unit_id, a.a_is_current, a.a_handled_at, a.a_due_date FROM (SELECT s.sgn AS a_sgn, s.item_id, s.unit_id AS a_unit_id, s.is_current AS a_is_current, s.handled_at AS a_handled_at, s.due_date AS a_due_date FROM (SELECT 1 AS sgn, * FROM new_rows) s WHERE s.role = 'lead' AND s.cancelled_at IS NULL) a JOIN LATERAL (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT a.a_sgn AS sgn, it.* FROM petitions_item it WHERE it.id = a.item_id) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i ON true) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM (SELECT i.*, a.a_unit_id, a.a_is_current, a.a_handled_at, a.a_due_date FROM (SELECT s.sgn AS a_sgn, s.item_id, s.unit_id AS a_unit_id, s.is_current AS a_is_current, s.handled_at AS a_handled_at, s.due_date AS a_due_date FROM (SELECT -1 AS sgn, * FROM old_rows) s WHERE s.role = 'lead' AND s.cancelled_at IS NULL) a JOIN LATERAL (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT a.a_sgn AS sgn, it.* FROM petitions_item it WHERE it.id = a.item_id) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i ON true) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;
    ELSE
        
        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM (SELECT i.*, a.a_unit_id, a.a_is_current, a.a_handled_at, a.a_due_date FROM (SELECT s.sgn AS a_sgn, s.item_id, s.unit_id AS a_unit_id, s.is_current AS a_is_current, s.handled_at AS a_handled_at, s.due_date AS a_due_date FROM (SELECT -1 AS sgn, * FROM old_rows UNION ALL SELECT 1 AS sgn, * FROM new_rows) s WHERE s.role = 'lead' AND s.cancelled_at IS NULL) a JOIN LATERAL (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT a.a_sgn AS sgn, it.* FROM petitions_item it WHERE it.id = a.item_id) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i ON true) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;
    END IF;
    RETURN NULL;
END $fn$;
CREATE OR REPLACE FUNCTION dashboards_assignment_changed_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM dashboards_rollupunit;
    RETURN NULL;
END $fn$;
DROP TRIGGER IF EXISTS dash_ins ON petitions_assignment;
DROP TRIGGER IF EXISTS dash_upd ON petitions_assignment;
DROP TRIGGER IF EXISTS dash_del ON petitions_assignment;
DROP TRIGGER IF EXISTS dash_trunc ON petitions_assignment;
CREATE TRIGGER dash_ins AFTER INSERT ON petitions_assignment REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_assignment_changed();
CREATE TRIGGER dash_upd AFTER UPDATE ON petitions_assignment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_assignment_changed();
CREATE TRIGGER dash_del AFTER DELETE ON petitions_assignment REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_assignment_changed();
CREATE TRIGGER dash_trunc AFTER TRUNCATE ON petitions_assignment FOR EACH STATEMENT EXECUTE FUNCTION dashboards_assignment_changed_truncate();


CREATE OR REPLACE FUNCTION dashboards_membership_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        
        INSERT INTO dashboards_rollupgroup AS t (month, area_id, group_id, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, group_id, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (SELECT i.*, m.group_id FROM (SELECT s.sgn AS m_sgn, s.deputy_id, s.group_id FROM (SELECT 1 AS sgn, * FROM new_rows) s) m JOIN LATERAL (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT m.m_sgn AS sgn, it.* FROM petitions_item it WHERE it.deputy_id = m.deputy_id) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i ON true) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, group_id) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;
    ELSIF TG_OP = 'DELETE' THEN
        
        INSERT INTO dashboards_rollupgroup AS t (month, area_id, group_id, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, group_id, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (SELECT i.*, m.group_id FROM (SELECT s.sgn AS m_sgn, s.deputy_id, s.group_id FROM (SELECT -1 AS sgn, * FROM old_rows) s) m JOIN LATERAL (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT m.m_sgn AS sgn, it.* FROM petitions_item it WHERE it.deputy_id = m.deputy_id) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i ON true) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, group_id) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;
    ELSE
        
        INSERT INTO dashboards_rollupgroup AS t (month, area_id, group_id, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, group_id, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (SELECT i.*, m.group_id FROM (SELECT s.sgn AS m_sgn, s.deputy_id, s.group_id FROM (SELECT -1 AS sgn, * FROM old_rows UNION ALL SELECT 1 AS sgn, * FROM new_rows) s) m JOIN LATERAL (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT m.m_sgn AS sgn, it.* FROM petitions_item it WHERE it.deputy_id = m.deputy_id) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i ON true) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, group_id) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;
    END IF;
    RETURN NULL;
END $fn$;
CREATE OR REPLACE FUNCTION dashboards_membership_changed_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM dashboards_rollupgroup;
    RETURN NULL;
END $fn$;
DROP TRIGGER IF EXISTS dash_ins ON deputy_groups_groupmembership;
DROP TRIGGER IF EXISTS dash_upd ON deputy_groups_groupmembership;
DROP TRIGGER IF EXISTS dash_del ON deputy_groups_groupmembership;
DROP TRIGGER IF EXISTS dash_trunc ON deputy_groups_groupmembership;
CREATE TRIGGER dash_ins AFTER INSERT ON deputy_groups_groupmembership REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_membership_changed();
CREATE TRIGGER dash_upd AFTER UPDATE ON deputy_groups_groupmembership REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_membership_changed();
CREATE TRIGGER dash_del AFTER DELETE ON deputy_groups_groupmembership REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboards_membership_changed();
CREATE TRIGGER dash_trunc AFTER TRUNCATE ON deputy_groups_groupmembership FOR EACH STATEMENT EXECUTE FUNCTION dashboards_membership_changed_truncate();
"""

UNINSTALL = """DROP TRIGGER IF EXISTS dash_ins ON petitions_item;
DROP TRIGGER IF EXISTS dash_upd ON petitions_item;
DROP TRIGGER IF EXISTS dash_del ON petitions_item;
DROP TRIGGER IF EXISTS dash_trunc ON petitions_item;
DROP FUNCTION IF EXISTS dashboards_item_changed();
DROP FUNCTION IF EXISTS dashboards_item_changed_truncate();
DROP TRIGGER IF EXISTS dash_ins ON petitions_assignment;
DROP TRIGGER IF EXISTS dash_upd ON petitions_assignment;
DROP TRIGGER IF EXISTS dash_del ON petitions_assignment;
DROP TRIGGER IF EXISTS dash_trunc ON petitions_assignment;
DROP FUNCTION IF EXISTS dashboards_assignment_changed();
DROP FUNCTION IF EXISTS dashboards_assignment_changed_truncate();
DROP TRIGGER IF EXISTS dash_ins ON deputy_groups_groupmembership;
DROP TRIGGER IF EXISTS dash_upd ON deputy_groups_groupmembership;
DROP TRIGGER IF EXISTS dash_del ON deputy_groups_groupmembership;
DROP TRIGGER IF EXISTS dash_trunc ON deputy_groups_groupmembership;
DROP FUNCTION IF EXISTS dashboards_membership_changed();
DROP FUNCTION IF EXISTS dashboards_membership_changed_truncate();
DROP FUNCTION IF EXISTS dashboards_month(timestamptz);
DROP FUNCTION IF EXISTS dashboards_day(timestamptz);"""

REBUILD = """LOCK TABLE petitions_item, petitions_assignment, deputy_groups_groupmembership IN SHARE MODE;
DELETE FROM dashboards_rollupitem;
DELETE FROM dashboards_rollupgroup;
DELETE FROM dashboards_rollupunit;
DELETE FROM dashboards_rollupdeputymonth;
DELETE FROM dashboards_rollupperiod;
DELETE FROM dashboards_rollupstate;

        INSERT INTO dashboards_rollupitem AS t (month, area_id, category, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, category, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM petitions_item) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, category) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupgroup AS t (month, area_id, group_id, collected, concluded, evaluated, satisfied)
        SELECT month, area_id, group_id, sum(sgn), sum(sgn * closed), sum(sgn * evald), sum(sgn * sat)
        FROM (SELECT i.*, gm.group_id FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM petitions_item) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN deputy_groups_groupmembership gm ON gm.deputy_id = i.deputy_id) r GROUP BY 1, 2, 3
        HAVING sum(sgn) <> 0 OR sum(sgn * closed) <> 0 OR sum(sgn * evald) <> 0 OR sum(sgn * sat) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, group_id) DO UPDATE SET collected = t.collected + EXCLUDED.collected,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied;

        INSERT INTO dashboards_rollupunit AS t (month, area_id, unit_id, assigned, concluded, evaluated,
                                                satisfied, ended, on_time)
        SELECT month, area_id, unit_id, sum(sgn * cur), sum(sgn * cur * closed), sum(sgn * cur * evald),
               sum(sgn * cur * sat), sum(sgn * ended), sum(sgn * on_time)
        FROM (SELECT r.*, a_unit_id AS unit_id, a_is_current::int AS cur,
                     (a_handled_at IS NOT NULL)::int AS ended,
                     (a_handled_at IS NOT NULL AND dashboards_day(a_handled_at) <= a_due_date)::int AS on_time
              FROM (SELECT i.*, a.unit_id AS a_unit_id, a.is_current AS a_is_current, a.handled_at AS a_handled_at, a.due_date AS a_due_date FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM petitions_item) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i JOIN petitions_assignment a ON a.item_id = i.id AND a.role = 'lead' AND a.cancelled_at IS NULL) r) x
        GROUP BY 1, 2, 3
        HAVING sum(sgn * cur) <> 0 OR sum(sgn * cur * closed) <> 0 OR sum(sgn * cur * evald) <> 0
            OR sum(sgn * cur * sat) <> 0 OR sum(sgn * ended) <> 0 OR sum(sgn * on_time) <> 0
        ORDER BY 1, 2, 3
        ON CONFLICT (month, area_id, unit_id) DO UPDATE SET assigned = t.assigned + EXCLUDED.assigned,
            concluded = t.concluded + EXCLUDED.concluded, evaluated = t.evaluated + EXCLUDED.evaluated,
            satisfied = t.satisfied + EXCLUDED.satisfied, ended = t.ended + EXCLUDED.ended,
            on_time = t.on_time + EXCLUDED.on_time;

        WITH d AS (
            SELECT deputy_id, period, sum(sgn)::int AS delta FROM (
        SELECT s.sgn, s.id, s.deputy_id, s.period, COALESCE(s.area_id, 0) AS area_id, s.category,
               dashboards_month(s.submitted_at) AS month, (s.state = 'closed')::int AS closed,
               (s.evaluated_at IS NOT NULL)::int AS evald,
               (s.evaluated_at IS NOT NULL AND s.satisfaction IN ('satisfied', 'basic'))::int AS sat
        FROM (SELECT 1 AS sgn, * FROM petitions_item) s
        WHERE s.submitted_at IS NOT NULL AND s.state NOT IN ('draft', 'withdrawn', 'merged')) i GROUP BY 1, 2 HAVING sum(sgn) <> 0
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
        ON CONFLICT (period) DO UPDATE SET deputies = t.deputies + EXCLUDED.deputies;

        INSERT INTO dashboards_rollupstate AS t (state, items)
        SELECT s.state, sum(s.sgn) FROM (SELECT 1 AS sgn, * FROM petitions_item) s GROUP BY 1 HAVING sum(s.sgn) <> 0 ORDER BY 1
        ON CONFLICT (state) DO UPDATE SET items = t.items + EXCLUDED.items;"""


def install_sql(tz: str) -> str:
    return INSTALL.replace(TZ_PLACEHOLDER, "'" + tz.replace("'", "''") + "'")
