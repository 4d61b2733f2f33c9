"""The demo data of issue 12: 渠沟镇 2022 with the article's two projects and figures (accepted), and a
2026 sub-district vote in progress; loaded by seed_demo, idempotent."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.choices import GroupRole, IssueState, Outcome, ProjectState, RoundState, VoteMethod
from projects.models import Project, RoundEvent, VoteRound

pytestmark = pytest.mark.django_db


def test_the_demo_has_qugou_2022_projects_and_a_2026_vote_in_progress(db):
    call_command("seed_demo", stdout=io.StringIO())
    r2022 = VoteRound.objects.get(electorate__area__name="渠沟镇", year=2022)
    assert (r2022.state, r2022.method, r2022.in_office, r2022.places) == (RoundState.CLOSED, VoteMethod.PAPER, 73, 2)
    assert r2022.session_name == "渠沟镇第八届人民代表大会第二次会议" and r2022.closed_at.year == 2022
    projects = {p.candidate.name: p for p in Project.objects.filter(candidate__round=r2022).select_related("candidate")}
    assert set(projects) == {"危桥改造", "农村道路亮灯"}
    bridges, lights = projects["危桥改造"], projects["农村道路亮灯"]
    assert bridges.candidate.total_investment == Decimal("3000000") and "吕庄桥" in bridges.candidate.content
    assert "7 座" in bridges.candidate.content
    assert lights.candidate.total_investment == Decimal("3500000") and "1200 盏" in lights.candidate.content
    assert {p.state for p in projects.values()} == {ProjectState.ACCEPTED} and bridges.percent == 100
    assert all(c.yes * 2 > 73 for c in r2022.candidates.filter(outcome=Outcome.WON))
    assert r2022.candidates.filter(outcome=Outcome.FAILED).count() == 1
    for p in projects.values():  # supervised: a group with a leader, an inspection, one issue closed, one open
        assert p.supervisors.filter(role=GroupRole.LEADER).count() == 1 and p.supervisors.count() >= 2
        assert p.inspections.count() == 1
        assert sorted(p.issues.values_list("state", flat=True)) == [IssueState.CLOSED, IssueState.OPEN]
        # The plan (节点计划): a few milestones, all done by the completion date, none overdue.
        assert p.milestones.count() >= 3 and not p.milestones.filter(done_on__isnull=True).exists()
        assert not p.milestones.filter(done_on__gt=p.completed_on).exists()
        assert p.events.filter(action="milestone_done").count() == p.milestones.count()
    r2026 = VoteRound.objects.get(electorate__area__name="东山街道", year=2026)
    assert r2026.state == RoundState.VOTING and r2026.method == VoteMethod.ELECTRONIC
    assert r2026.ballots.count() == 1 and r2026.ideas.count() == 3
    events = RoundEvent.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert VoteRound.objects.count() == 2 and RoundEvent.objects.count() == events
