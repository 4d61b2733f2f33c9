"""Writes for the roster: deputies, mandates, homes, and the roster import (名册导入).

Every write records who made it in django-simple-history: single saves through the request
middleware; the import's bulk writes through `_history_copy`, which writes the same history rows
in one INSERT … SELECT per table.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from areas.models import Area
from core import staging
from groups.choices import GroupKind, MemberRole
from groups.models import DeputyGroup, GroupMembership

from .choices import Level, MandateStatus
from .importing import HEADER_LABELS, ParsedRow, RowError
from .models import CongressTerm, Deputy, DeputyHome, Mandate

IMPORT_REASON = "名册导入"
PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "party", "education", "workplace", "occupation",
                 "mobile", "id_number")
PERSON_LABELS = {"birth_date": "出生年月", **HEADER_LABELS}


# ----------------------------------------------------------------------------- single edits


def _require_editable(deputy: Deputy, actor) -> None:
    if not Deputy.objects.editable_by(actor).filter(pk=deputy.pk).exists():
        raise PermissionDenied


def _area_in_scope(area: Area, actor) -> bool:
    if actor.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
        return True
    if actor.has_role(Role.AREA_STAFF) and actor.area_id:
        return Area.objects.subtree(actor.area).filter(pk=area.pk).exists()
    return False


@transaction.atomic
def deputy_create(*, actor, data: dict, mandate: dict) -> Deputy:
    """A new person with their first mandate (area staff: only in their own area)."""
    if not actor.is_staff_role or not _area_in_scope(mandate["area"], actor):
        raise PermissionDenied
    deputy = Deputy(**data)
    if deputy.area_id is None:
        deputy.area = mandate["area"]
    deputy.save()
    Mandate.objects.create(deputy=deputy, **mandate)
    return deputy


@transaction.atomic
def deputy_update(*, deputy: Deputy, actor, data: dict) -> list[str]:
    """Change a person's data; returns the labels of the fields that changed (the history keeps the rest)."""
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    _require_editable(deputy, actor)
    changed = [name for name, value in data.items() if getattr(deputy, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(deputy, name, data[name])
    deputy.save()
    return [str(Deputy._meta.get_field(name).verbose_name) for name in changed]


@transaction.atomic
def mandate_create(*, deputy: Deputy, actor, data: dict) -> Mandate:
    _require_editable(deputy, actor)
    if not _area_in_scope(data["area"], actor):
        raise PermissionDenied
    return Mandate.objects.create(deputy=deputy, **data)


@transaction.atomic
def mandate_update(*, mandate: Mandate, actor, data: dict) -> Mandate:
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    _require_editable(mandate.deputy, actor)
    if not _area_in_scope(data.get("area", mandate.area), actor):
        raise PermissionDenied
    for name, value in data.items():
        setattr(mandate, name, value)
    mandate.save()
    return mandate


@transaction.atomic
def deputy_home_save(*, home: DeputyHome | None, actor, data: dict) -> DeputyHome:
    if not _area_in_scope(data["area"], actor) or not actor.is_staff_role:
        raise PermissionDenied
    if home is not None and not DeputyHome.objects.editable_by(actor).filter(pk=home.pk).exists():
        raise PermissionDenied
    home = home or DeputyHome()
    for name, value in data.items():
        setattr(home, name, value)
    home.save()
    return home


# ----------------------------------------------------------------------------- the roster import


@dataclass
class RowOutcome:
    """What importing one row does (or would do): create, update, unchanged or refused."""

    number: int
    name: str
    action: str = "unchanged"
    changes: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def refuse(self, column: str, value, reason: str) -> None:
        self.errors.append(RowError(column=HEADER_LABELS.get(column, column), value=str(value or ""),
                                    reason=str(reason)))
        self.action = "refused"

    def note(self, text: str, action: str = "update") -> None:
        self.changes.append(text)
        if self.action == "unchanged" or (self.action == "update" and action == "create"):
            self.action = action


@dataclass
class ImportReport:
    rows: list[RowOutcome]
    dry_run: bool
    applied: bool = False
    totals: dict = field(default_factory=dict)  # new deputies, mandates, … (see _Plan.totals)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def refused(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.action == "refused"]

    @property
    def has_changes(self) -> bool:
        return any(r.action in ("create", "update") for r in self.rows)

    @property
    def counts(self) -> dict:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "refused")}


def _ym(value: datetime.date | None):
    return (value.year, value.month) if value else None


@dataclass
class _Person:
    key: tuple
    rows: list[ParsedRow]
    values: dict
    deputy: Deputy | None = None


class _Plan:
    """Matches parsed rows to the database and works out every write, without writing."""

    def __init__(self, rows: list[ParsedRow], actor):
        self.rows = rows
        self.actor = actor
        self.outcomes = {r.number: RowOutcome(number=r.number, name=r.name, errors=list(r.errors),
                                              action="refused" if r.errors else "unchanged") for r in rows}
        self.new_terms: dict[tuple, CongressTerm] = {}
        self.new_groups: dict[str, DeputyGroup] = {}
        self.new_deputies: list[Deputy] = []
        self.changed_deputies: dict[int, tuple[Deputy, set]] = {}
        self.new_mandates: list[Mandate] = []
        self.changed_mandates: dict[int, tuple[Mandate, set]] = {}
        self.new_memberships: list[GroupMembership] = []
        self.changed_memberships: dict[int, GroupMembership] = {}
        # Labels for the notes, made once: str(term) and get_role_display() cost ~50 µs a call,
        # and 10,000 rows name the same few terms and roles.
        self.term_labels: dict[tuple, str] = {}
        self.role_labels = {value: str(label) for value, label in MemberRole.choices}

    def _label(self, term: CongressTerm) -> str:
        key = (term.level, term.number)
        if key not in self.term_labels:
            self.term_labels[key] = str(term)
        return self.term_labels[key]

    # --- lookups loaded once
    def _load(self) -> None:
        areas = list(Area.objects.select_related("parent"))
        self.areas: dict[str, list[Area]] = defaultdict(list)
        for area in areas:
            self.areas[area.name].append(area)
            if area.full_name != area.name:
                self.areas[area.full_name].append(area)
        actor = self.actor
        if actor is None or actor.has_role(Role.ADMIN, Role.DISTRICT_STAFF):
            self.scope_area_ids = None  # everywhere
        elif actor.has_role(Role.AREA_STAFF) and actor.area_id:
            self.scope_area_ids = set(Area.objects.subtree(actor.area).values_list("pk", flat=True))
        else:
            raise PermissionDenied
        self.terms = {(t.level, t.number): t for t in CongressTerm.objects.all()}
        self.current_terms: dict[str, CongressTerm] = {}
        for term in sorted(self.terms.values(), key=lambda t: t.number):
            if term.is_current:
                self.current_terms[term.level] = term
        self.groups = {g.name: g for g in DeputyGroup.objects.all()}
        self.leaders: dict[int, dict[int, str]] = defaultdict(dict)  # group pk → {deputy pk: name} of its 组长
        for group_id, deputy_id, name in GroupMembership.objects.filter(role=MemberRole.LEADER).values_list(
                "group_id", "deputy_id", "deputy__name"):
            self.leaders[group_id][deputy_id] = name
        # group key → {deputy key: (role after the import, row number, name)} for the rows naming a group
        self.file_roles: dict[object, dict[object, tuple]] = defaultdict(dict)

    def _area(self, outcome: RowOutcome, name: str) -> Area | None:
        found = self.areas.get(name) or self.areas.get(name + "街道") or self.areas.get(name + "镇")
        if not found:
            outcome.refuse("area", name, _("系统中没有这个区划"))
            return None
        if len(found) > 1:
            outcome.refuse("area", name, _("区划名称重复,请写全称(如 东山街道周庄社区)"))
            return None
        area = found[0]
        if self.scope_area_ids is not None and area.pk not in self.scope_area_ids:
            outcome.refuse("area", name, _("不在您管理的区划范围内"))
            return None
        return area

    def _term(self, outcome: RowOutcome, level: str, number: int | None) -> CongressTerm | None:
        if number is None:
            term = self.current_terms.get(level)
            if term is None:
                outcome.refuse("term", "", _("未填写届次,且系统中没有该层级的本届届次"))
            return term
        key = (level, number)
        term = self.terms.get(key) or self.new_terms.get(key)
        if term is None:
            has_level = any(lv == level for lv, _n in self.terms)
            term = CongressTerm(level=level, number=number, is_current=not has_level)
            self.new_terms[key] = term
            outcome.note(_("新建届次 %(term)s") % {"term": self._label(term)}, "create")
        return term

    # --- the plan
    def build(self) -> None:
        self._load()
        people: dict[tuple, _Person] = {}
        resolved = self.resolved = {}  # row number → (area, term)
        seen_mandates: dict[tuple, int] = {}
        for row in self.rows:
            outcome = self.outcomes[row.number]
            values = row.values
            area = self._area(outcome, values["area"]) if values.get("area") else None
            if row.errors:
                continue
            term = self._term(outcome, values["level"], values.get("term"))
            if outcome.errors:
                continue
            key = ("id", values["id_number"]) if values.get("id_number") else (
                "nb", values["name"], _ym(values.get("birth_date")))
            person = people.get(key)
            if person is None:
                person = people[key] = _Person(key=key, rows=[], values={})
            elif not self._consistent(person, row, outcome):
                continue
            mandate_key = (key, term.level, term.number)
            if mandate_key in seen_mandates:
                outcome.refuse("level", self._label(term),
                               _("与第 %(n)d 行重复(同一人同一届次)") % {"n": seen_mandates[mandate_key]})
                continue
            seen_mandates[mandate_key] = row.number
            person.rows.append(row)
            for name in PERSON_FIELDS:
                if values.get(name) not in (None, ""):
                    person.values.setdefault(name, values[name])
            resolved[row.number] = (area, term)
        self._match(people)
        for person in people.values():
            if person.rows:
                self._plan_person(person, resolved)
        self._check_leaders()

    def _check_leaders(self) -> None:
        """A group has one 组长: a row making a second one (in the file or besides the one in the system) is
        refused, unless the file also makes the other one something else."""
        for group_key, roles in self.file_roles.items():
            group_name = next(iter(roles.values()))[3]
            demoted = {d for d, (role, *_rest) in roles.items() if role != MemberRole.LEADER}
            kept = {d: name for d, name in self.leaders.get(group_key, {}).items() if d not in demoted}
            named = sorted((row, d, name) for d, (role, row, name, _g) in roles.items() if role == MemberRole.LEADER)
            first = None
            if kept:
                first = (None, *next(iter(kept.items())))
            for row, deputy_key, name in named:
                if first is None:
                    first = (row, deputy_key, name)
                    continue
                if deputy_key == first[1] or deputy_key in kept:
                    continue
                if first[0] is None:
                    reason = _("代表小组“%(group)s”已有组长 %(leader)s,一个代表小组只能有一名组长;"
                               "如要更换,请在同一文件中把 %(leader)s 的小组职务改为副组长或成员") % {
                        "group": group_name, "leader": first[2]}
                else:
                    reason = _("第 %(row)d 行已填写 %(leader)s 为代表小组“%(group)s”的组长,一个代表小组只能有一名组长") % {
                        "row": first[0], "leader": first[2], "group": group_name}
                self.outcomes[row].refuse("group_role", str(self.role_labels[MemberRole.LEADER]), reason)

    def _consistent(self, person: _Person, row: ParsedRow, outcome: RowOutcome) -> bool:
        first = person.rows[0].number if person.rows else None
        for name in PERSON_FIELDS:
            mine, theirs = row.values.get(name), person.values.get(name)
            if mine in (None, "") or theirs in (None, "") or mine == theirs:
                continue
            if name == "birth_date" and _ym(mine) == _ym(theirs):
                continue
            outcome.refuse(name if name != "birth_date" else "birth", mine,
                           _("与第 %(n)d 行(同一人)填写的不一致") % {"n": first})
            return False
        return True

    def _match(self, people: dict[tuple, _Person]) -> None:
        ids = {p.values["id_number"] for p in people.values() if p.values.get("id_number")}
        names = {p.values["name"] for p in people.values()}
        found = list(Deputy.objects.filter(id_number__in=ids)) if ids else []
        found += list(Deputy.objects.filter(name__in=names).exclude(id_number__in=ids)) if names else []
        # Grouped by hand: prefetch_related builds one queryset per deputy, too slow for 10,000.
        pks = [d.pk for d in found]
        self.mandates_of: dict[int, list[Mandate]] = defaultdict(list)
        for mandate in Mandate.objects.filter(deputy_id__in=pks):
            self.mandates_of[mandate.deputy_id].append(mandate)
        self.memberships_of: dict[int, list[GroupMembership]] = defaultdict(list)
        for membership in GroupMembership.objects.filter(deputy_id__in=pks):
            self.memberships_of[membership.deputy_id].append(membership)
        by_id = {d.id_number: d for d in found if d.id_number}
        by_name = defaultdict(list)
        for deputy in found:
            by_name[deputy.name].append(deputy)
        for person in people.values():
            if not person.rows:
                continue
            id_number = person.values.get("id_number")
            if id_number and id_number in by_id:
                person.deputy = by_id[id_number]
                continue
            ym = _ym(person.values.get("birth_date"))
            candidates = [d for d in by_name.get(person.values["name"], [])
                          if _ym(d.birth_date) == ym and not (id_number and d.id_number)]
            term_ids = {self.resolved[r.number][1].pk for r in person.rows} - {None}
            with_mandate = [d for d in candidates if any(m.term_id in term_ids for m in self.mandates_of[d.pk])]
            if len(with_mandate) > 1 or (not with_mandate and ym and len(candidates) > 1):
                for row in person.rows:
                    self.outcomes[row.number].refuse("name", person.values["name"],
                                                     _("系统中有多名同名、同出生年月的代表,请填写身份证号以区分"))
                person.rows = []
                continue
            if with_mandate:
                person.deputy = with_mandate[0]
            elif ym and len(candidates) == 1:
                person.deputy = candidates[0]  # a known person gains another mandate
        matched = [p.deputy.pk for p in people.values() if p.deputy is not None and p.rows]
        if self.scope_area_ids is not None and matched:
            editable = set(Deputy.objects.editable_by(self.actor).filter(pk__in=matched).values_list("pk", flat=True))
            for person in people.values():
                if person.deputy is not None and person.rows and person.deputy.pk not in editable:
                    for row in person.rows:
                        self.outcomes[row.number].refuse("name", person.values["name"],
                                                         _("该代表属于其他区划,不在您的管理范围内"))
                    person.rows = []

    def _plan_person(self, person: _Person, resolved: dict) -> None:
        first = self.outcomes[person.rows[0].number]
        deputy = person.deputy
        if deputy is None:
            first_area = resolved[person.rows[0].number][0]
            deputy = Deputy(area=first_area, **{k: v for k, v in person.values.items()})
            self.new_deputies.append(deputy)
            first.note(_("新增代表 %(name)s") % {"name": deputy.name}, "create")
            existing_mandates, existing_memberships = {}, {}
        else:
            changed = set()
            for name, value in person.values.items():
                old = getattr(deputy, name)
                if old == value or (name == "birth_date" and value.day == 1 and _ym(old) == _ym(value)):
                    continue
                setattr(deputy, name, value)
                changed.add(name)
            if deputy.area_id is None:
                deputy.area = resolved[person.rows[0].number][0]
                changed.add("area")
            if changed:
                self.changed_deputies[deputy.pk] = (deputy, changed)
                labels = "、".join(str(PERSON_LABELS.get(n, Deputy._meta.get_field(n).verbose_name)) for n in
                                  sorted(changed, key=lambda n: PERSON_FIELDS.index(n) if n in PERSON_FIELDS else 99))
                first.note(_("更新 %(fields)s") % {"fields": labels})
            existing_mandates = {m.term_id: m for m in self.mandates_of[deputy.pk]}
            existing_memberships = {m.group_id: m for m in self.memberships_of[deputy.pk]}
        for row in person.rows:
            self._plan_mandate(deputy, row, resolved[row.number], existing_mandates, existing_memberships)

    def _plan_mandate(self, deputy, row, resolved, existing_mandates, existing_memberships) -> None:
        outcome = self.outcomes[row.number]
        area, term = resolved
        values = row.values
        mandate = existing_mandates.get(term.pk) if term.pk else None
        if mandate is None:
            mandate = Mandate(deputy=deputy, term=term, area=area, constituency=values.get("constituency", ""),
                              is_first_time=bool(values.get("first_time")), status=MandateStatus.IN_OFFICE)
            self.new_mandates.append(mandate)
            outcome.note(_("新增代表资格 %(term)s") % {"term": self._label(term)}, "create")
        else:
            changed = set()
            if mandate.area_id != area.pk:
                mandate.area = area
                changed.add("area")
            if values.get("constituency") and mandate.constituency != values["constituency"]:
                mandate.constituency = values["constituency"]
                changed.add("constituency")
            if values.get("first_time") is not None and mandate.is_first_time != values["first_time"]:
                mandate.is_first_time = values["first_time"]
                changed.add("is_first_time")
            if changed:
                previous = self.changed_mandates.get(mandate.pk, (mandate, set()))[1]
                self.changed_mandates[mandate.pk] = (mandate, previous | changed)
                labels = "、".join(str(Mandate._meta.get_field(n).verbose_name) for n in sorted(changed))
                outcome.note(_("更新 %(term)s代表资格的%(fields)s") % {"term": self._label(term), "fields": labels})
        group_name = values.get("group")
        if not group_name:
            return
        group = self.groups.get(group_name) or self.new_groups.get(group_name)
        if group is None:
            group = DeputyGroup(name=group_name, kind=GroupKind.CITY if term.level == Level.CITY else GroupKind.DISTRICT_TOWN,
                                area=area.town() or area)
            self.new_groups[group_name] = group
            outcome.note(_("新建代表小组 %(group)s") % {"group": group_name}, "create")
        elif self.scope_area_ids is not None and group.area_id not in self.scope_area_ids:
            outcome.refuse("group", group_name, _("该代表小组不在您的管理范围内"))
            return
        role = values.get("group_role")
        group_key = group.pk or id(group)  # a group created by this import has no pk yet
        membership = existing_memberships.get(group_key)
        if membership is None:
            membership = GroupMembership(group=group, deputy=deputy, role=role or MemberRole.MEMBER)
            existing_memberships[group_key] = membership
            self.new_memberships.append(membership)
            outcome.note(_("加入 %(group)s(%(role)s)") % {"group": group_name, "role": self.role_labels[membership.role]},
                         "create")
        elif role and membership.role != role:
            membership.role = role
            if membership.pk:
                self.changed_memberships[membership.pk] = membership
            outcome.note(_("小组职务改为 %(role)s") % {"role": self.role_labels[membership.role]})
        self.file_roles[group_key][deputy.pk or id(deputy)] = (membership.role, row.number, deputy.name, group_name)

    def totals(self) -> dict:
        return {
            "new_deputies": len(self.new_deputies), "changed_deputies": len(self.changed_deputies),
            "new_mandates": len(self.new_mandates), "changed_mandates": len(self.changed_mandates),
            "new_terms": len(self.new_terms), "new_groups": len(self.new_groups),
            "new_memberships": len(self.new_memberships), "changed_memberships": len(self.changed_memberships),
        }

    # --- the writes
    def apply(self) -> None:
        """Every planned write, with its history rows (who: the actor; why: 名册导入)."""
        now = timezone.now()
        history = {"user": self.actor, "date": now}
        if self.new_terms:
            CongressTerm.objects.bulk_create(self.new_terms.values())
        if self.new_groups:
            groups = DeputyGroup.objects.bulk_create(self.new_groups.values(), batch_size=1000)
            _history_copy(DeputyGroup, [g.pk for g in groups], history_type="+", **history)
        for deputy in self.new_deputies:
            deputy.fill_name_fields()
        if self.new_deputies:
            Deputy.objects.bulk_create(self.new_deputies, batch_size=1000)
            _history_copy(Deputy, [d.pk for d in self.new_deputies], history_type="+", **history)
        if self.changed_deputies:
            fields = {"updated_at", "name_pinyin", "name_initials", "name_search"}
            for deputy, changed in self.changed_deputies.values():
                deputy.fill_name_fields()
                deputy.updated_at = now
                fields |= changed
            _bulk_update(Deputy, [d for d, _c in self.changed_deputies.values()], sorted(fields))
            _history_copy(Deputy, list(self.changed_deputies), history_type="~", **history)
        # bulk_create copies the new pks of deputies, terms and groups into the rows that point at them.
        if self.new_mandates:
            Mandate.objects.bulk_create(self.new_mandates, batch_size=1000)
            _history_copy(Mandate, [m.pk for m in self.new_mandates], history_type="+", **history)
        if self.changed_mandates:
            fields = set().union(*(c for _m, c in self.changed_mandates.values()))
            _bulk_update(Mandate, [m for m, _c in self.changed_mandates.values()], sorted(fields))
            _history_copy(Mandate, list(self.changed_mandates), history_type="~", **history)
        if self.new_memberships:
            GroupMembership.objects.bulk_create(self.new_memberships, batch_size=1000)
            _history_copy(GroupMembership, [m.pk for m in self.new_memberships], history_type="+", **history)
        if self.changed_memberships:
            _bulk_update(GroupMembership, list(self.changed_memberships.values()), ["role"])
            _history_copy(GroupMembership, list(self.changed_memberships), history_type="~", **history)


def _bulk_update(model, objs: list, fields: list[str]) -> None:
    """`model.objects.bulk_update(objs, fields)` as one UPDATE … FROM unnest(one array per column):
    Django's bulk_update builds a CASE WHEN per row and field, most of the 18 s an import that changed
    10,000 rows took (now 3 s). Values are prepared by the fields, as bulk_update prepares them."""
    qn = connection.ops.quote_name
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    arrays = [[pk.get_db_prep_value(obj.pk, connection) for obj in objs]]
    arrays += [[column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in objs] for column in columns]
    names = ["pk", *(f"c{i}" for i in range(len(columns)))]
    casts = ", ".join(f"%s::{field.db_type(connection)}[]" for field in (pk, *columns))
    sets = ", ".join(f"{qn(column.column)} = v.{name}" for column, name in zip(columns, names[1:], strict=True))
    sql = (f"UPDATE {qn(model._meta.db_table)} AS t SET {sets} FROM unnest({casts}) AS v({', '.join(names)}) "
           f"WHERE t.{qn(pk.column)} = v.pk")
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def _history_copy(model, pks: list[int], *, history_type: str, user, date, reason: str = IMPORT_REASON) -> None:
    """The django-simple-history rows of `pks` ("+" created, "~" changed), copied from the rows as they now
    are in the table by one INSERT … SELECT: the rows `bulk_create_with_history` writes, without building
    and binding 10,000 historical model instances in Python (about 5 s of a 10,000-row import)."""
    history = model.history.model
    if not pks:
        return
    if user is None:  # the command line; in a request simple-history falls back to the request's user
        user = history.get_default_history_user(model(pk=pks[0]))
    qn = connection.ops.quote_name
    tracked = {f.attname: f for f in history.tracked_fields}
    given = {"history_date": date, "history_change_reason": reason, "history_type": history_type,
             "history_user_id": getattr(user, "pk", None)}
    columns, values, params = [], [], []
    for column in history._meta.concrete_fields:
        if column.primary_key and isinstance(column, AutoFieldMixin):
            continue  # history_id: the sequence numbers them
        columns.append(qn(column.column))
        if column.attname in tracked:
            values.append(qn(tracked[column.attname].column))
        elif column.attname in given:
            values.append("%s")
            params.append(given[column.attname])
        else:  # a history field this copy does not know: fail loudly rather than write incomplete history
            raise NotImplementedError(f"{history.__name__}.{column.attname}")
    pk = qn(model._meta.pk.column)
    sql = (f"INSERT INTO {qn(history._meta.db_table)} ({', '.join(columns)}) "
           f"SELECT {', '.join(values)} FROM {qn(model._meta.db_table)} WHERE {pk} = ANY(%s) ORDER BY {pk}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, list(pks)])


def roster_import(*, rows: list[ParsedRow], actor, dry_run: bool) -> ImportReport:
    """Import parsed roster rows: everything in one transaction, or nothing.

    Nothing is written when `dry_run`, or when any row is refused: the preview lists the
    reasons and the user fixes the file. Re-importing the same file finds nothing to change.
    `actor` None means the command line (the whole district, history without a user).
    """
    if actor is not None and not actor.is_staff_role:
        raise PermissionDenied
    with transaction.atomic():
        plan = _Plan(rows, actor)
        plan.build()
        report = ImportReport(rows=[plan.outcomes[r.number] for r in rows], dry_run=dry_run, totals=plan.totals())
        if dry_run or report.refused or not report.has_changes:
            return report
        try:
            with transaction.atomic():
                plan.apply()
        except IntegrityError as exc:
            raise RosterImportConflict(_("导入时数据已被他人修改(%(error)s),请重新上传预览。") % {"error": exc}) from exc
    report.applied = True
    from audit.services import security_event_import

    security_event_import(what="deputies.roster", actor=actor, report=report)
    return report


class RosterImportConflict(Exception):
    """The database changed between planning and writing (a unique ID taken meanwhile)."""


__all__ = ["roster_import", "deputy_create", "deputy_update", "mandate_create", "mandate_update",
           "deputy_home_save", "ImportReport", "RowOutcome", "RosterImportConflict"]


# ----------------------------------------------------------------------------- staged uploads
# The web import keeps the uploaded file on the server between the preview and the confirmation,
# keyed by a random token held in the user's session: the confirmation re-reads this file and
# never trusts preview data posted back by the browser.

# The mechanism is core.staging's, shared with the ledger import.
STAGING_KIND = "imports"


def roster_import_stage(*, data: bytes, filename: str) -> str:
    """Store an uploaded roster file; returns its token. Files older than a day are swept."""
    return staging.upload_stage(kind=STAGING_KIND, data=data, filename=filename)


def roster_import_load(*, token: str) -> tuple[bytes, str] | None:
    return staging.upload_load(kind=STAGING_KIND, token=token)


def roster_import_discard(*, token: str) -> None:
    staging.upload_discard(kind=STAGING_KIND, token=token)
