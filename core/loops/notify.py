"""Notifications of a loop action.

The outbox row is written inside the action's transaction, so it exists exactly when the change does
(rolled back with a refused action); its delivery is queued only after commit (`notifications.services
.notify` registers that with `transaction.on_commit`). Who is told, and which notifications an action
marks read, is each loop's own business."""

from __future__ import annotations

from collections.abc import Iterable


def notify_on_commit(*, key: str, kind: str, recipients: Iterable, title: str, body: str = "", url: str = "",
                     subject: str = "", task: str = "") -> int:
    """Notify `recipients` (accounts, deputies, handling units) at most once per (key, recipient);
    delivered after commit. Returns how many rows were new."""
    from notifications.services import notify

    return notify(key=key, kind=kind, recipients=recipients, title=title, body=body, url=url,
                  subject=subject, task=task)
