"""Where the automatic lines come from: one function per basis, (start, end, activity_kind) →
{deputy_id: [record ids]} in one query. The bases shared with the annual assessment reuse its
selectors (assessments.selectors.basis_records); the rest are here. Another app adds a source with
`register(basis, record_kind, fn)` from its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.queries import ids_by

from .choices import Basis, RecordKind


@dataclass(frozen=True)
class Source:
    record_kind: str
    records: Callable  # (start, end, activity_kind) -> {deputy_id: [ids]}


_SOURCES: dict[str, Source] = {}


def register(basis: str, record_kind: str, records: Callable) -> None:
    _SOURCES[basis] = Source(record_kind, records)


def get(basis: str) -> Source | None:
    return _SOURCES.get(basis)


def _assessment_basis(basis):
    def records(start, end, activity_kind=""):
        from assessments.selectors import basis_records

        return basis_records(basis, start, end, activity_kind=activity_kind)
    return records


def _items_concluded(start, end, activity_kind=""):
    """Opinion items the deputy filed that reached 已办结 in the period."""
    from petitions.models import Item

    return ids_by(Item.objects.collected().concluded().filter(concluded_at__date__range=(start, end)), "deputy_id")


def _residents_answered(start, end, activity_kind=""):
    """Resident reports (群众来信) to the deputy's own code answered, or turned into an item, in the period."""
    from residents.selectors import answered_records

    return answered_records(start, end)



for _basis in (Basis.ITEM_SUBMITTED, Basis.SUGGESTION_LED, Basis.SUGGESTION_COSIGNED, Basis.SUGGESTION_A,
               Basis.SUGGESTION_B):
    register(_basis, RecordKind.SUGGESTION if _basis.startswith("suggestion") else RecordKind.ITEM,
             _assessment_basis(_basis))
register(Basis.ACTIVITY, RecordKind.ACTIVITY, _assessment_basis(Basis.ACTIVITY))
register(Basis.ABSENCE, RecordKind.ACTIVITY, _assessment_basis(Basis.ABSENCE))
register(Basis.ITEM_CONCLUDED, RecordKind.ITEM, _items_concluded)
register(Basis.RESIDENT_ANSWERED, RecordKind.RESIDENT, _residents_answered)
