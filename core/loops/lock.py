"""Lock-and-check: the first step of every loop action (STYLE.md "one door per change")."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import LoopError, NotAllowed, StaleState
from .transitions import Transition


def _message(value, *args) -> str:
    return str(value(*args) if callable(value) else value)


def lock(obj, action: str, actor, *, table: dict[str, Transition], actor_kinds: Callable,
         stale_message, not_allowed_message=None, model: type[models.Model] | None = None,
         missing_message=None) -> tuple[models.Model, set[str]]:
    """Re-read `obj` under a row lock (select_for_update) and check `action` against `table`.

    Returns the fresh row and the actor's kinds (`actor_kinds(actor, row)`). Refuses, changing nothing:
    a read-only account (领导) with `NotAllowed`; a row no longer in one of the action's source states
    with `StaleState` (`stale_message`: a string or a callable taking the row); an actor none of whose
    kinds may take the action with `NotAllowed` (`not_allowed_message`: a string or a callable taking
    the action). `obj` is a model instance, or a primary key together with `model=`. Must run inside
    `transaction.atomic()`: the lock lasts until the caller's transaction ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock() must run inside transaction.atomic()")
    if isinstance(obj, models.Model):
        model, pk = type(obj), obj.pk
    else:
        if model is None:
            raise TypeError("lock() needs model= when given a primary key")
        pk = obj
    try:
        locked = model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise LoopError(_message(missing_message) if missing_message else _("记录不存在。"))
    rule = table[action]
    if actor is not None and actor.is_authenticated and actor.is_read_only:
        raise NotAllowed(_("领导账号只能查看,不能办理。"))
    # The kinds are read from the locked row (the lead unit, the state): a stale copy could grant
    # a right the actor no longer has.
    kinds = actor_kinds(actor, locked)
    if locked.state not in rule.sources:
        raise StaleState(_message(stale_message, locked))
    if not kinds & rule.actors:
        if not_allowed_message is None:
            raise NotAllowed(_("您无权执行该操作。"))
        raise NotAllowed(_message(not_allowed_message, action))
    return locked, kinds
