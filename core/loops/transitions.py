"""The transition table of a loop: which action may happen from which state, by which kind of actor.

Each loop keeps its own table in its `choices.py` (a dict action → `Transition`); the engine only
reads it: `lock()` checks a call against it and `allowed_actions()` lists what may happen now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    """One row of a transition table: the states an action starts from, the actor kinds that may
    take it, and the state it leads to (None when the loop's service decides, e.g. an evaluation)."""

    sources: frozenset
    actors: frozenset
    target: str | None


def transition(sources: Iterable[str], actors: Iterable[str], target: str | None) -> Transition:
    """Build a `Transition` from any iterables (the tables read better with tuples)."""
    return Transition(frozenset(sources), frozenset(actors), target)


def allowed_actions(table: dict[str, Transition], state: str, kinds: set[str]) -> set[str]:
    """The actions of `table` that start from `state` and that one of the actor `kinds` may take."""
    return {action for action, t in table.items() if state in t.sources and kinds & t.actors}
