"""Building blocks of the project tests: the 东山街道 residents' meeting (the personas 刘芳 and 张伟 are
members, 赵强 of 任圩 is not), a round walked through the services to any state, and a town electorate
of `n` deputies."""

from __future__ import annotations

import datetime
from decimal import Decimal

from areas.models import Area
from deputies.choices import Level
from projects import services
from projects.choices import ElectorateKind, RoundState, VoteMethod
from projects.models import Electorate, ElectorateMember
from tests import factories
from units.models import HandlingUnit


def dongshan(cast, *, extra: int = 1) -> Electorate:
    """东山街道居民代表会议 with the deputy, the group leader and `extra` members without a login."""
    e, created = Electorate.objects.get_or_create(area=Area.objects.get(name="东山街道"), defaults={
        "kind": ElectorateKind.RESIDENTS_MEETING, "name": "东山街道居民代表会议"})
    if not created:
        return e
    people = [cast.deputy.deputy, cast.group_leader.deputy] + [factories.DeputyFactory() for _ in range(extra)]
    ElectorateMember.objects.bulk_create([ElectorateMember(electorate=e, deputy=d) for d in people],
                                         ignore_conflicts=True)
    return e


def town(n: int) -> Electorate:
    """渠沟镇人民代表大会 with `n` in-office town deputies (and one who resigned, not counted)."""
    from deputies.choices import MandateStatus

    area = Area.objects.get(name="渠沟镇")
    term = factories.CongressTermFactory(level=Level.TOWN, number=8)
    for _ in range(n):
        factories.MandateFactory(term=term, area=area)
    factories.MandateFactory(term=term, area=area, status=MandateStatus.RESIGNED)
    return Electorate.objects.get_or_create(area=area, defaults={"kind": ElectorateKind.TOWN_CONGRESS,
                                                                 "name": "渠沟镇人民代表大会"})[0]


def candidate_data(name: str, unit=None, **over) -> dict:
    unit = unit or HandlingUnit.objects.get(name="相山区住房和城乡建设局")
    data = {"name": name, "content": f"{name}的建设内容", "location": "东山街道", "total_investment": Decimal("1000000"),
            "year_investment": Decimal("800000"), "unit": unit, "starts_on": datetime.date(2026, 3, 1),
            "completes_on": datetime.date(2026, 10, 31)}
    data.update(over)
    return data


def make_round(cast, state=RoundState.VOTING, *, electorate=None, method=VoteMethod.ELECTRONIC, places=2,
               candidates=("老旧小区改造", "背街小巷亮化", "社区养老服务站"), staff=None, year=2026):
    """A round of `electorate` (default 东山街道) walked to `state` by the area's staff."""
    electorate = electorate or dongshan(cast)
    staff = staff or (cast.dongshan_staff if electorate.area.name == "东山街道" else cast.admin)
    rnd = services.round_create(actor=staff, electorate=electorate, year=year, session_name=f"{electorate.name}{year}年会议",
                                places=places, method=method)
    services.idea_add(round=rnd, actor=staff, title="加装电梯")
    for name in candidates:
        services.candidate_add(round=rnd, actor=staff, data=candidate_data(name))
    if state == RoundState.COLLECTING:
        return rnd
    services.round_confirm_candidates(round=rnd, actor=staff)
    if state == RoundState.CANDIDATES:
        return rnd
    services.round_open(round=rnd, actor=staff)
    rnd.refresh_from_db()
    if state == RoundState.VOTING:
        return rnd
    raise ValueError(state)


def all_yes(rnd, choice="yes") -> dict:
    return {c.pk: choice for c in rnd.candidates.all()}


def voting_round(cast):
    """The 东山街道 2026 round in 投票中, built once per test (cached on the cast)."""
    if getattr(cast, "_voting", None) is None:
        cast._voting = make_round(cast)
    return cast._voting


def closed_round(cast):
    """The 东山街道 2026 round, closed: the deputy and the group leader voted 赞成 for the first candidate
    only, so it alone wins (2 of 3 in office) and becomes a project of 区住建局."""
    if getattr(cast, "_closed", None) is None:
        rnd = make_round(cast)
        first = rnd.candidates.order_by("sort").first()
        choices = {c.pk: "yes" if c.pk == first.pk else "no" for c in rnd.candidates.all()}
        for user in (cast.deputy, cast.group_leader):
            services.ballot_cast(round=rnd, actor=user, choices=choices)
        cast._closed = services.round_close(round=rnd, actor=cast.dongshan_staff)
    return cast._closed


def project_of(cast):
    from projects.models import Project

    return Project.objects.get(candidate__round=closed_round(cast))
