"""A paper vote through the pages: the presidium's staff set up a box, enter and correct its count, the
scrutineer signs off, the vote is closed and the notice shows the result."""

import pytest
from django.urls import reverse

from projects.choices import Outcome, RoundAction, VoteMethod
from projects.models import BallotBox, RoundEvent

from .helpers import make_round

pytestmark = pytest.mark.django_db


def test_a_paper_vote_is_counted_signed_and_closed_from_the_page(cast, login):
    rnd = make_round(cast, method=VoteMethod.PAPER)  # 3 members in office
    a, b, c = rnd.candidates.order_by("sort")
    client = login(cast.dongshan_staff)

    def do(action, data=None):
        return client.post(reverse("projects:round_action", args=[rnd.pk, action]), data or {})

    response = do("add_box", {"name": "第1号票箱", "ballots_issued": "3", "ballots_returned": "4"})
    assert response.status_code == 200 and "收回选票不能多于发出选票" in response.content.decode()
    assert do("add_box", {"name": "第1号票箱", "ballots_issued": "3", "ballots_returned": "3"}).status_code == 302
    box = BallotBox.objects.get(round=rnd)
    counts = {f"c{a.pk}_yes": 3, f"c{a.pk}_no": 0, f"c{a.pk}_abstain": 0, f"c{b.pk}_yes": 2, f"c{b.pk}_no": 1,
              f"c{b.pk}_abstain": 0, f"c{c.pk}_yes": 1, f"c{c.pk}_no": 1, f"c{c.pk}_abstain": 1}
    tally = {"box": box.pk, "ballots_issued": 3, "ballots_returned": 3, **counts}
    response = do("enter_tally", {**tally, f"c{c.pk}_yes": 3})  # 3 + 1 + 1 > 3 returned
    assert response.status_code == 200 and "票数合计超过收回选票" in response.content.decode()
    assert do("enter_tally", {**tally, f"c{b.pk}_yes": 1, f"c{b.pk}_no": 2}).status_code == 302
    assert do("enter_tally", tally).status_code == 302  # corrected: 背街小巷亮化 1 → 2
    edit = RoundEvent.objects.filter(round=rnd, action=RoundAction.ENTER_TALLY, data__candidate=b.name,
                                     data__field="yes").order_by("id").last()
    assert (edit.data["old"], edit.data["new"], edit.actor) == (1, 2, cast.dongshan_staff)
    html = client.get(rnd.get_absolute_url()).content.decode()
    assert "1 → 2" in html  # the timeline shows the correction
    response = do("close_vote")  # refused: the box is not signed off; the page says why, nothing changes
    assert response.status_code == 200 and "尚未由监票人签字确认" in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.state == "voting"
    assert do("sign_off", {"box": box.pk, "scrutineer": "王建华"}).status_code == 302
    assert do("close_vote").status_code == 302
    rnd.refresh_from_db()
    assert {x.name: (x.yes, x.outcome) for x in rnd.candidates.all()} == {
        a.name: (3, Outcome.WON), b.name: (2, Outcome.WON), c.name: (1, Outcome.FAILED)}
    from notifications.models import Notification

    told = set(Notification.objects.filter(kind="projects.start").values_list("recipient_unit__name", "title"))
    assert told == {("相山区住房和城乡建设局", f"列为民生实事项目,请按月报送进度:{a.name}"),
                    ("相山区住房和城乡建设局", f"列为民生实事项目,请按月报送进度:{b.name}")}
    html = client.get(reverse("projects:notice", args=[rnd.pk])).content.decode()
    assert "在任代表 3 名,参加投票 3 名" in html and f"{a.name}、{b.name}" in html
