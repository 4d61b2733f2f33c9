"""One small engine for every loop (STYLE.md "Loops"): opinion items (petitions), deputy suggestions,
and the loops to come. Each loop keeps its own transition table, choices and services; the engine
gives them the transition rows, lock-and-check, the append-only event row, notifications and the
deadline helpers. A new loop is a new table and a few services, never a copy of another's workflow.

A loop action, in short::

    with transaction.atomic():
        obj, kinds = lock(obj, Action.X, actor, table=TRANSITIONS, actor_kinds=actor_kinds,
                          stale_message=...)
        ...change obj, obj.save(update_fields=[...])
        event = record_event(MyEvent, subject=obj, action=Action.X, actor=actor,
                             from_state=old, to_state=obj.state)
        notify_on_commit(key=f"x:{obj.pk}:event:{event.pk}", kind="x.x", recipients=..., title=...)
"""

from .deadlines import (
    due_in_days,
    due_in_months,
    due_in_workdays,
    due_soon_limit,
    due_soon_q,
    is_due_soon,
    is_overdue,
    overdue_q,
)
from .errors import AppendOnly, LoopError, NotAllowed, StaleState
from .events import LoopEvent, record_event
from .lock import lock
from .notify import notify_on_commit
from .transitions import Transition, allowed_actions, transition

__all__ = [
    "AppendOnly", "LoopError", "LoopEvent", "NotAllowed", "StaleState", "Transition", "allowed_actions",
    "due_in_days", "due_in_months", "due_in_workdays", "due_soon_limit", "due_soon_q", "is_due_soon",
    "is_overdue", "lock", "notify_on_commit", "overdue_q", "record_event", "transition",
]
