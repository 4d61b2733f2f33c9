"""Reads of points: a deputy's breakdown down to each record, the ranking by group, review queues."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count, Max
from django.urls import reverse

from .choices import ClaimState, CorrectionState, RecordKind, SnapshotStatus
from .models import Claim, Correction, Line, Snapshot, Total

# Per record kind: (model path, label field, url name).
_RECORDS = {
    RecordKind.ITEM: ("petitions.Item", "title", "petitions:detail"),
    RecordKind.SUGGESTION: ("suggestions.Suggestion", "title", "suggestions:detail"),
    RecordKind.ACTIVITY: ("activities.Activity", "title", "activities:detail"),
    RecordKind.RESIDENT: ("residents.Report", "category", "residents:detail"),
    RecordKind.PUBLICITY: ("publicity.Piece", "title", "publicity:detail"),
    RecordKind.SELF_REPORT: ("points.Claim", "description", "points:claim"),
    RecordKind.CORRECTION: ("points.Correction", "reason", "points:correction"),
}


def latest_published():
    return Snapshot.objects.filter(status=SnapshotStatus.PUBLISHED).order_by("-year", "-quarter").first()


def breakdown(snapshot: Snapshot, deputy_id: int) -> list[Line]:
    """The deputy's lines in a snapshot, each with `records`: [(label, url)] of the records behind it
    (one query per kind of record)."""
    from django.apps import apps

    lines = list(Line.objects.filter(snapshot=snapshot, deputy_id=deputy_id).select_related("correction"))
    wanted = defaultdict(set)
    for line in lines:
        wanted[line.record_kind].update(line.record_ids)
    labels = {}
    for kind, ids in wanted.items():
        model_path, field, url_name = _RECORDS[kind]
        model = apps.get_model(model_path)
        for pk, label in model.objects.filter(pk__in=ids).values_list("pk", field):
            labels[(kind, pk)] = (str(label)[:60], reverse(url_name, args=[pk]))
    for line in lines:
        line.records = [labels.get((line.record_kind, pk), (f"#{pk}", "")) for pk in line.record_ids]
    return lines


def group_ranking(snapshot: Snapshot):
    """Per group: members, average and best total (the ranking's group table), one query."""
    return (Total.objects.filter(snapshot=snapshot).order_by().values("group_id", "group_name")
            .annotate(members=Count("id"), average=Avg("total"), best=Max("total")).order_by("-average", "group_name"))


def ranked_groups(snapshot: Snapshot) -> list[dict]:
    """group_ranking as a list, each with its `position` (equal averages share one, as RANK does)."""
    groups = list(group_ranking(snapshot))
    previous, position = None, 0
    for i, g in enumerate(groups, 1):
        if g["average"] != previous:
            position, previous = i, g["average"]
        g["position"] = position
    return groups


def group_members(snapshot: Snapshot, group_id):
    return (Total.objects.filter(snapshot=snapshot, group_id=group_id)
            .only("deputy_name", "total", "group_rank", "rank", "deputy_id").order_by("group_rank", "deputy_name"))


def pending_claims(user):
    return Claim.objects.reviewable_by(user).filter(state=ClaimState.SUBMITTED).select_related("deputy", "rule")


def pending_corrections(user):
    return (Correction.objects.reviewable_by(user).filter(state=CorrectionState.REQUESTED)
            .select_related("deputy", "snapshot", "line"))


def review_count(user) -> int:
    """The navigation badge of reviewers: self-reports and corrections waiting in their scope."""
    if user.is_read_only:
        return 0
    return pending_claims(user).count() + pending_corrections(user).count()
