import datetime
import random

import pytest
import time_machine

from petitions.choices import Category, State
from units.models import HandlingUnit

from .builders import make_item

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                             tick=True):
        yield TODAY


def build_random(cast, n=80, seed=7):
    """Items in 2024–2025 in every state, with units, due dates, handled dates and evaluations."""
    rnd = random.Random(seed)
    units = list(HandlingUnit.objects.order_by("pk"))
    deputies = [cast.deputy.deputy_profile, cast.group_leader.deputy_profile, cast.renwei_deputy.deputy_profile]
    from areas.models import Area

    areas = {d.pk: Area.objects.get(name="任圩街道" if d.name == "赵强" else "东山街道") for d in deputies}
    states = [State.CLOSED] * 6 + [State.HANDLING] * 3 + [State.RESEARCH, State.SUBMITTED, State.EVALUATION,
                                                          State.REVIEW, State.RETURNED, State.WITHDRAWN, State.MERGED,
                                                          State.DRAFT, State.SUPERVISION]
    items = []
    for _ in range(n):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rnd.randrange(730))
        deputy = rnd.choice(deputies)
        state = rnd.choice(states)
        assignable = state in (State.CLOSED, State.HANDLING, State.EVALUATION, State.REVIEW)
        unit = rnd.choice(units) if assignable and rnd.random() < 0.9 else None
        due = day + datetime.timedelta(days=rnd.randrange(5, 40))
        handled = day + datetime.timedelta(days=rnd.randrange(3, 45)) if unit and state != State.HANDLING else None
        sat = rnd.choice(["satisfied", "basic", "dissatisfied", "", ""]) if state in (State.CLOSED, State.HANDLING) else ""
        stage_due = None
        if state in (State.SUBMITTED, State.RESEARCH, State.HANDLING):
            stage_due = TODAY + datetime.timedelta(days=rnd.randrange(-30, 30))
            if state == State.HANDLING and unit is not None:
                due = stage_due
        items.append(make_item(deputy, submitted=day, state=state, area=areas[deputy.pk],
                               category=rnd.choice(Category.values), unit=unit, due=due, handled=handled,
                               satisfaction=sat, stage_due=stage_due, hour=rnd.choice([0, 10, 23])))
    return items
