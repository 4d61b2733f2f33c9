"""Parallel electronic votes by one deputy count once (issue 12), on parallel PostgreSQL transactions."""

import pytest

from projects import services
from projects.models import Ballot, BallotChoice, RoundEvent
from tests.concurrency import race

from .helpers import all_yes, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_keeps_one_ballot_when_a_deputy_votes_twice_at_once(cast):
    rnd = make_round(cast)
    yes, no = all_yes(rnd), all_yes(rnd, "no")
    results = race(lambda: services.ballot_cast(round=rnd.pk, actor=cast.deputy, choices=yes),
                   lambda: services.ballot_cast(round=rnd.pk, actor=cast.deputy, choices=no))
    assert [r[0] for r in results] == ["ok", "ok"], results
    ballot = Ballot.objects.get(round=rnd, deputy=cast.deputy.deputy)
    assert ballot.changes == 1
    choices = set(BallotChoice.objects.filter(ballot=ballot).values_list("choice", flat=True))
    assert choices in ({"yes"}, {"no"})  # the later of the two, never a mix
    assert BallotChoice.objects.filter(ballot__round=rnd).count() == rnd.candidates.count()
    assert RoundEvent.objects.filter(round=rnd, action="vote").count() == 2
    services.round_close(round=rnd, actor=cast.dongshan_staff)
    rnd.refresh_from_db()
    assert rnd.ballots_cast == 1
    assert sum(c.yes + c.no + c.abstain for c in rnd.candidates.all()) == rnd.candidates.count()


def test_it_refuses_a_vote_racing_the_close_or_counts_it(cast):
    rnd = make_round(cast)
    results = race(lambda: services.ballot_cast(round=rnd.pk, actor=cast.deputy, choices=all_yes(rnd)),
                   lambda: services.round_close(round=rnd.pk, actor=cast.dongshan_staff))
    rnd.refresh_from_db()
    vote_result = results[0][0]
    assert results[1][0] == "ok", results
    # Either the vote came first and is counted, or it was refused after the close: never lost silently.
    assert (vote_result == "ok" and rnd.ballots_cast == 1) or (vote_result == "refused" and rnd.ballots_cast == 0)


def test_it_marks_a_milestone_done_once_when_marked_twice_at_once(cast):
    import datetime

    from projects.models import Milestone, ProjectEvent

    from .helpers import project_of

    p = project_of(cast)
    m = services.milestone_add(project=p, actor=cast.zhujian, name="完成招标", planned_on=datetime.date(2026, 12, 1))
    day = datetime.date(2026, 11, 20)
    results = race(lambda: services.milestone_done(milestone=m, actor=cast.zhujian, done_on=day),
                   lambda: services.milestone_done(milestone=m, actor=cast.dongshan_staff, done_on=day))
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert ProjectEvent.objects.filter(project=p, action="milestone_done").count() == 1
    assert Milestone.objects.get(pk=m.pk).done_on == day
