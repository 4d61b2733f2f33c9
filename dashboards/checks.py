"""汇总表校验 (`manage.py check_rollups`, nightly by beat): are the rollups and their triggers what they
should be?

1. Stored rollup rows against a recount from the items (rollup.rebuild_sql() run inside a savepoint
   that is rolled back; writers wait on the same SHARE lock a rebuild takes, readers go on).
2. The trigger functions installed in PostgreSQL (pg_proc.prosrc) against the source rollup.py
   generates now, and the triggers themselves (present, enabled, calling the right function).

Rows whose counts are all zero are left out on both sides: the triggers leave such rows behind when
counts go back to zero, a recount never writes them, and they count nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from . import rollup
from .models import RollupCheck, RollupDeputyMonth, RollupGroup, RollupItem, RollupPeriod, RollupState, RollupUnit

MODELS = (RollupItem, RollupGroup, RollupUnit, RollupDeputyMonth, RollupPeriod, RollupState)
TRIGGER_NAMES = ("dash_ins", "dash_upd", "dash_del", "dash_trunc")
_FUNCTION = re.compile(r"CREATE OR REPLACE FUNCTION (\w+)\(.*?\).*?\bAS \$(\w*)\$(.*?)\$\2\$", re.DOTALL)
MAX_LISTED = 20  # differences listed per table; the rest are counted


@dataclass
class Result:
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _columns(model) -> tuple[list[str], list[str]]:
    """(key columns, count columns) of a rollup table."""
    unique = [f.column for f in model._meta.fields if f.unique and not f.primary_key]
    key = list(model._meta.constraints[0].fields) if model._meta.constraints else unique
    counts = [f.column for f in model._meta.fields if not f.primary_key and f.column not in key]
    return key, counts


def _snapshot(cursor, model) -> dict:
    key, counts = _columns(model)
    nonzero = " OR ".join(f"{c} <> 0" for c in counts)
    cursor.execute(f"SELECT {', '.join(key + counts)} FROM {model._meta.db_table} WHERE {nonzero}")
    return {tuple(row[:len(key)]): tuple(row[len(key):]) for row in cursor.fetchall()}


def _keys(model, values) -> str:
    key, _counts = _columns(model)
    return ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))


def _counts(model, values) -> str:
    _key, counts = _columns(model)
    if values is None:
        return _("无")
    return ", ".join(f"{c}={v}" for c, v in zip(counts, values, strict=True))


def compare_rows() -> list[str]:
    """Stored rollup rows that differ from a recount (the recount is rolled back)."""
    out = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE petitions_item, petitions_assignment, deputy_groups_groupmembership "
                       "IN SHARE MODE")
        stored = {m: _snapshot(cursor, m) for m in MODELS}
        sid = transaction.savepoint()
        cursor.execute(rollup.rebuild_sql())
        counted = {m: _snapshot(cursor, m) for m in MODELS}
        transaction.savepoint_rollback(sid)
    for model in MODELS:
        have, want = stored[model], counted[model]
        wrong = sorted((k for k in have.keys() | want.keys() if have.get(k) != want.get(k)), key=str)
        for k in wrong[:MAX_LISTED]:
            out.append(_("%(table)s (%(key)s):已存 %(stored)s;重新计算 %(counted)s") % {
                "table": model._meta.db_table, "key": _keys(model, k), "stored": _counts(model, have.get(k)),
                "counted": _counts(model, want.get(k))})
        if len(wrong) > MAX_LISTED:
            out.append(_("%(table)s:另有 %(n)s 行不一致") % {"table": model._meta.db_table,
                                                           "n": len(wrong) - MAX_LISTED})
    return out


def expected_functions(sql: str | None = None) -> dict[str, str]:
    """{function name: body} of the functions rollup.py installs (its current source)."""
    return {name: body for name, _tag, body in _FUNCTION.findall(sql or rollup.install_sql())}


def compare_functions() -> list[str]:
    """Installed trigger functions and triggers that differ from rollup.py's current source."""
    want = expected_functions()
    out = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE n.nspname = current_schema() AND p.proname = ANY(%s)", [list(want)])
        have = dict(cursor.fetchall())
        cursor.execute("SELECT c.relname, t.tgname, p.proname, t.tgenabled FROM pg_trigger t "
                       "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                       "WHERE NOT t.tgisinternal AND t.tgname = ANY(%s)", [list(TRIGGER_NAMES)])
        triggers = {(table, name): (function, enabled) for table, name, function, enabled in cursor.fetchall()}
    for name, body in want.items():
        if name not in have:
            out.append(_("函数 %(name)s 未安装") % {"name": name})
        elif have[name] != body:
            out.append(_("函数 %(name)s 的安装版本与 dashboards/rollup.py 当前源码不同") % {"name": name})
    for table, function, _build in rollup.TRIGGERS:
        for trigger in TRIGGER_NAMES:
            expected = f"{function}_truncate" if trigger == "dash_trunc" else function
            found = triggers.get((table, trigger))
            if found is None:
                out.append(_("触发器 %(table)s.%(trigger)s 未安装") % {"table": table, "trigger": trigger})
            elif found[0] != expected:
                out.append(_("触发器 %(table)s.%(trigger)s 调用 %(found)s,应为 %(expected)s") % {
                    "table": table, "trigger": trigger, "found": found[0], "expected": expected})
            elif found[1] == "D":
                out.append(_("触发器 %(table)s.%(trigger)s 已被禁用") % {"table": table, "trigger": trigger})
    return out


def rollups_check(*, record: bool = True) -> Result:
    """Run both comparisons; keep the result (RollupCheck) for the admins' home page."""
    result = Result(differences=compare_functions() + compare_rows())
    if record:
        RollupCheck.objects.create(ok=result.ok, differences=result.differences)
    return result


def last_check() -> RollupCheck | None:
    return RollupCheck.objects.first()
