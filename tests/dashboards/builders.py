"""Items built directly with the ORM in a known state (dashboard fixtures do not need the workflow)."""

import datetime

from django.utils import timezone

from areas.models import Area
from petitions.choices import Category, Conclusion, State, UnitRole
from petitions.models import Assignment, Item


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def make_item(deputy, *, submitted: datetime.date, state=State.CLOSED, area=None, category=Category.URBAN,
              unit=None, due: datetime.date | None = None, handled: datetime.date | None = None,
              satisfaction: str = "", stage_due: datetime.date | None = None, period: datetime.date | None = None,
              hour: int = 10) -> Item:
    area = area or Area.objects.get(name="东山街道")
    item = Item.objects.create(
        title=f"测试事项 {submitted}", deputy=deputy, area=area, category=category, state=state,
        period=period or submitted.replace(day=1), submitted_at=at(submitted, hour) if state != State.DRAFT else None,
        stage_due=stage_due, lead_unit=unit, satisfaction=satisfaction,
        evaluated_at=at(submitted + datetime.timedelta(days=20)) if satisfaction else None,
        concluded_at=at(submitted + datetime.timedelta(days=20)) if state == State.CLOSED else None,
        conclusion=Conclusion.EVALUATED if state == State.CLOSED else "",
    )
    if unit is not None:
        Assignment.objects.create(item=item, unit=unit, role=UnitRole.LEAD, assigned_at=at(submitted, 11),
                                  due_date=due or submitted + datetime.timedelta(days=21),
                                  handled_at=at(handled, 15) if handled else None)
    return item
