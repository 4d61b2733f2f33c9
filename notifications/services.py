"""Writes for notifications. Other apps call `notify`; nothing else creates Notification rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import Notification


def _recipient_fields(person) -> tuple[str, dict]:
    """An account, or a deputy: a deputy with a login is reached through the account."""
    from deputies.models import Deputy

    if isinstance(person, Deputy):
        if person.user_id:
            return f"u{person.user_id}", {"recipient_id": person.user_id}
        return f"d{person.pk}", {"recipient_deputy": person}
    return f"u{person.pk}", {"recipient": person}


def notify(*, key: str, kind: str, recipients: Iterable, title: str, body: str = "", url: str = "") -> int:
    """Create one notification per recipient, at most once per (key, recipient). Call it inside the
    transaction that made the change, so the rows exist exactly when the change does.
    Returns how many rows were new."""
    rows, seen = [], set()
    for person in recipients:
        if person is None:
            continue
        suffix, fields = _recipient_fields(person)
        if suffix in seen:
            continue
        seen.add(suffix)
        rows.append(Notification(key=f"{key}:{suffix}"[:200], kind=kind, title=title[:200], body=body,
                                 url=url, **fields))
    if not rows:
        return 0
    keys = [r.key for r in rows]
    before = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(set(keys) - before)


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
