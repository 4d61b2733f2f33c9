"""The rules of issue 12: the pass rule (more than half of all deputies in office), places filled by
赞成, a tie at the cut-off, too few passing, paper checks, and the year-end grade."""

import pytest

from core.loops import LoopError, NotAllowed
from projects import services
from projects.choices import Outcome, ProjectState, Rating, RoundAction, RoundState, VoteMethod
from projects.models import Candidate, Project, RoundEvent

from .helpers import all_yes, make_round, town

pytestmark = pytest.mark.django_db


def _paper_close(cast, electorate, yes_by_candidate, *, places=1):
    names = list(yes_by_candidate)
    rnd = make_round(cast, electorate=electorate, method=VoteMethod.PAPER, places=places, candidates=names,
                     staff=cast.admin)
    n = electorate.members().count()
    box = services.box_add(round=rnd, actor=cast.admin, name="第1号票箱", ballots_issued=n, ballots_returned=n)
    by_name = {c.name: c.pk for c in rnd.candidates.all()}
    services.tally_enter(box=box, actor=cast.admin, ballots_issued=n, ballots_returned=n,
                         counts={by_name[k]: (y, n - y, 0) for k, y in yes_by_candidate.items()})
    services.box_sign_off(box=box, actor=cast.admin, scrutineer="王建华")
    return services.round_close(round=rnd, actor=cast.admin)


def test_it_passes_37_of_73_deputies_in_office_and_not_36(cast):
    electorate = town(73)
    assert electorate.members().count() == 73  # the resigned deputy does not count
    rnd = _paper_close(cast, electorate, {"危桥改造": 37, "农村道路亮灯": 36, "文化广场": 10}, places=2)
    assert rnd.in_office == 73 and rnd.pass_threshold == 37
    result = dict(Candidate.objects.filter(round=rnd).values_list("name", "outcome"))
    assert result == {"危桥改造": Outcome.WON, "农村道路亮灯": Outcome.FAILED, "文化广场": Outcome.FAILED}
    assert list(Project.objects.filter(candidate__round=rnd).values_list("candidate__name", "state")) == [
        ("危桥改造", ProjectState.IMPLEMENTING)]
    assert "少于项目名额" in rnd.result_note  # one passing for two places: reported to the presidium


def test_it_fills_the_places_by_yes_and_reports_a_tie_at_the_cut_off():
    ranked = services.rank([(1, 50), (2, 40), (3, 40), (4, 30), (5, 10)], places=2, in_office=73)
    assert ranked[1] == (1, Outcome.WON)
    assert ranked[2] == (2, Outcome.TIED) and ranked[3] == (2, Outcome.TIED)
    assert ranked[4] == (4, Outcome.FAILED) and ranked[5][1] == Outcome.FAILED
    ranked = services.rank([(1, 50), (2, 45), (3, 40)], places=2, in_office=73)
    assert [ranked[k][1] for k in (1, 2, 3)] == [Outcome.WON, Outcome.WON, Outcome.PASSED_NOT_PLACED]
    assert services.passes(37, 73) and not services.passes(36, 73) and not services.passes(36, 72)


def test_it_refuses_more_ballots_returned_than_issued_and_a_tally_over_the_ballots(cast):
    rnd = make_round(cast, method=VoteMethod.PAPER)
    with pytest.raises(LoopError, match="不能多于发出选票"):
        services.box_add(round=rnd, actor=cast.dongshan_staff, name="1号", ballots_issued=2, ballots_returned=3)
    with pytest.raises(LoopError, match="不能多于在任代表数"):
        services.box_add(round=rnd, actor=cast.dongshan_staff, name="1号", ballots_issued=4, ballots_returned=3)
    box = services.box_add(round=rnd, actor=cast.dongshan_staff, name="1号", ballots_issued=3, ballots_returned=3)
    first = rnd.candidates.first()
    with pytest.raises(LoopError, match="超过收回选票"):
        services.tally_enter(box=box, actor=cast.dongshan_staff, ballots_issued=3, ballots_returned=3,
                             counts={first.pk: (3, 1, 0)})
    assert not box.tallies.filter(yes__gt=0).exists()


def test_it_logs_every_tally_edit_with_the_old_value_and_freezes_a_signed_box(cast):
    rnd = make_round(cast, method=VoteMethod.PAPER)
    box = services.box_add(round=rnd, actor=cast.dongshan_staff, name="1号", ballots_issued=3, ballots_returned=3)
    first = rnd.candidates.first()
    services.tally_enter(box=box, actor=cast.dongshan_staff, ballots_issued=3, ballots_returned=3,
                         counts={first.pk: (2, 1, 0)})
    services.tally_enter(box=box, actor=cast.dongshan_staff, ballots_issued=3, ballots_returned=3,
                         counts={first.pk: (3, 0, 0)})
    edits = [e.data for e in RoundEvent.objects.filter(round=rnd, action=RoundAction.ENTER_TALLY).order_by("id")]
    assert {"box": "1号", "candidate": first.name, "field": "yes", "old": 2, "new": 3} in edits
    assert all(e.actor_id == cast.dongshan_staff.pk for e in RoundEvent.objects.filter(action=RoundAction.ENTER_TALLY))
    with pytest.raises(LoopError, match="尚未由监票人签字确认"):
        services.round_close(round=rnd, actor=cast.dongshan_staff)
    services.box_sign_off(box=box, actor=cast.dongshan_staff, scrutineer="王建华")
    with pytest.raises(LoopError, match="已由监票人签字确认"):
        services.tally_enter(box=box, actor=cast.dongshan_staff, ballots_issued=3, ballots_returned=3,
                             counts={first.pk: (0, 3, 0)})
    rnd = services.round_close(round=rnd, actor=cast.dongshan_staff)
    first.refresh_from_db()
    assert (first.yes, first.no, first.outcome) == (3, 0, Outcome.WON)  # 3 of 3 in office


def test_only_the_presidium_staff_open_and_close_a_vote(cast):
    rnd = make_round(cast, RoundState.CANDIDATES)
    for user in (cast.staff, cast.renwei_staff, cast.deputy, cast.leader):
        with pytest.raises(NotAllowed):
            services.round_open(round=rnd, actor=user)
    services.round_open(round=rnd, actor=cast.dongshan_staff)
    with pytest.raises(NotAllowed, match="主席团"):
        services.round_close(round=rnd, actor=cast.staff)


def test_it_refuses_a_vote_after_the_close_and_a_deputy_not_of_the_electorate(cast):
    rnd = make_round(cast)
    with pytest.raises(NotAllowed, match="不是本次票决的在任代表"):
        services.ballot_cast(round=rnd, actor=cast.renwei_deputy, choices=all_yes(rnd))
    services.ballot_cast(round=rnd, actor=cast.deputy, choices=all_yes(rnd))
    services.round_close(round=rnd, actor=cast.dongshan_staff)
    with pytest.raises(LoopError, match="投票已经结束"):
        services.ballot_cast(round=rnd, actor=cast.deputy, choices=all_yes(rnd, "no"))
    assert set(rnd.ballots.get().choices.values_list("choice", flat=True)) == {"yes"}


def test_it_grades_by_the_issue_rule(cast):
    assert services.grade_of(3, 1, 1) == Rating.SATISFIED  # 3 > 5/2
    assert services.grade_of(2, 1, 2) == Rating.BASIC  # 2+1 > 5/2
    assert services.grade_of(2, 2, 0) == Rating.BASIC  # 2 is not more than half of 4
    assert services.grade_of(1, 1, 2) == Rating.DISSATISFIED
    rnd = make_round(cast, candidates=("甲", "乙"), places=1)
    first, second = rnd.candidates.order_by("sort")
    for user in (cast.deputy, cast.group_leader):
        services.ballot_cast(round=rnd, actor=user, choices={first.pk: "yes", second.pk: "no"})
    services.round_close(round=rnd, actor=cast.dongshan_staff)
    project = Project.objects.get(candidate__round=rnd)
    assert project.candidate == first  # 2 of 3 in office
    with pytest.raises(NotAllowed):
        services.project_rate(project=project, actor=cast.renwei_deputy, rating=Rating.SATISFIED)
    services.project_rate(project=project, actor=cast.deputy, rating=Rating.DISSATISFIED)
    services.project_rate(project=project, actor=cast.deputy, rating=Rating.SATISFIED)  # changed
    services.project_rate(project=project, actor=cast.group_leader, rating=Rating.BASIC)
    project = services.project_grade(project=project, actor=cast.dongshan_staff)
    assert project.grade == Rating.BASIC  # 满意 1 of 2 is not more than half; 满意+基本满意 2 of 2 is
    with pytest.raises(LoopError, match="测评已经结束"):
        services.project_rate(project=project, actor=cast.deputy, rating=Rating.BASIC)
