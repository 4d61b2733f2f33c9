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
