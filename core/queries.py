"""Query helpers the apps share."""

from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, CharField, DateTimeField, F, Func, Value, When
from django.db.models.functions import Coalesce, Concat


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


class Prepared:
    """A queryset of model instances whose SQL is compiled once per process (and database connection),
    then run again with other values — for the few lookups on a public page's hot path, where building
    and compiling the queryset costs several times what the database takes to answer (the residents' QR
    page: its code, deputy, station, area and whether the deputy is in office, 2 ms of CPU of which the
    database's answer is 0.1; bench/RESULTS.md, "Residents' intake").

    `build(**placeholders)` returns the queryset; each name in `names` is a value the queryset compares
    for equality (``filter(token=token)``), given a unique placeholder when compiling and found again
    among the compiled parameters (exactly once, or compiling fails). The placeholder is a text, or for
    a name in `ints` (an id: ``filter(item_id=item)``) a number no row has. The rows become instances
    as Django's own iteration makes them: select_related objects and annotations included. Only for a
    queryset whose SQL depends on nothing but these values (not the time, the user, a setting)."""

    def __init__(self, build, *names: str, ints: tuple[str, ...] = ()):
        import weakref

        self.build, self.names, self.ints = build, names, frozenset(ints)
        self._compiled = weakref.WeakKeyDictionary()  # per connection (one per thread)

    def _compile(self, connection):
        import secrets

        from django.db.models.query import get_related_populators

        marks = {name: -(2**62 + secrets.randbits(60)) if name in self.ints else f"prepared:{name}:{secrets.token_hex(8)}"
                 for name in self.names}
        qs = self.build(**marks)
        compiler = qs.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = {}
        for name, mark in marks.items():
            found = [i for i, value in enumerate(params) if value == mark]
            if len(found) != 1:
                raise ValueError(f"Prepared: the value {name!r} is not one plain parameter of the query")
            slots[name] = found[0]
        info = compiler.klass_info
        first, last = info["select_fields"][0], info["select_fields"][-1] + 1
        fields = [column[0].target.attname for column in compiler.select[first:last]]
        compiled = (compiler, sql, list(params), slots, info["model"], fields, (first, last),
                    get_related_populators(info, compiler.select, connection.alias),
                    dict(compiler.annotation_col_map or {}))
        self._compiled[connection] = compiled
        return compiled

    def all(self, *, using: str = "default", **values) -> list:
        from django.db import connections

        connection = connections[using]
        compiled = self._compiled.get(connection) or self._compile(connection)
        compiler, sql, params, slots, model, fields, (first, last), related, annotations = compiled
        params = list(params)
        for name, slot in slots.items():
            params[slot] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out = []
        for row in compiler.results_iter(results=[rows]):
            obj = model.from_db(using, fields, row[first:last])
            for populator in related:
                populator.populate(row, obj)
            for attr, position in annotations.items():
                setattr(obj, attr, row[position])
            out.append(obj)
        return out

    def first(self, **values):
        """The first row (the queryset's own order and slice decide which), or None."""
        rows = self.all(**values)
        return rows[0] if rows else None


# ---- formatting in SQL, for the large exports (issue 16) ------------------------------------------
# A million-row export cannot afford Python per row: these let PostgreSQL hand over each cell as the
# text the sheet shows, so the reader gets tuples of str and the writer does nothing but write.


class ToChar(Func):
    """``to_char(expression, format)``: a date or number as text (PostgreSQL's template patterns)."""

    function = "to_char"
    output_field = CharField()


class _AtTimeZone(Func):
    template = "(%(expressions)s)"
    arg_joiner = " AT TIME ZONE "
    output_field = DateTimeField()


def local_text(field: str, fmt: str):
    """A timestamp as text in the current time zone (what `timezone.localtime(...).strftime` shows), ""
    when null. `fmt` is a to_char template: ``YYYY-MM-DD HH24:MI`` for "%Y-%m-%d %H:%M"."""
    from django.utils import timezone

    zone = Value(timezone.get_current_timezone_name())
    return Coalesce(ToChar(_AtTimeZone(F(field), zone), Value(fmt)), Value(""))


def date_text(field: str, fmt: str = "YYYY-MM-DD"):
    """A date as text (``date.isoformat()`` by default), "" when null."""
    return Coalesce(ToChar(F(field), Value(fmt)), Value(""))


def text_or_blank(field: str):
    return Coalesce(F(field), Value(""), output_field=CharField())


def choice_label(model, field: str, *, suffix: tuple | None = None):
    """A CASE giving each stored value of a choices field its label, translated now (so in the active
    language), the stored value itself when it is not among the choices — ``get_FOO_display()``, in
    SQL. `suffix` = (condition field, text): the text appended when that boolean field is true."""
    whens = []
    for value, label in model._meta.get_field(field).flatchoices:
        label = str(label)
        if suffix is not None:
            whens.append(When(**{field: value, suffix[0]: True}, then=Value(label + suffix[1])))
        whens.append(When(**{field: value}, then=Value(label)))
    default = F(field)
    if suffix is not None:
        default = Concat(F(field), Case(When(**{suffix[0]: True}, then=Value(suffix[1])), default=Value("")),
                         output_field=CharField())
    return Case(*whens, default=default, output_field=CharField())
