"""Work queues (待办) per role: each lists exactly its suggestions, scoped like the list, and the badge
counts them in one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.loops import due_in_workdays, due_soon_limit
from core.nav import items_for
from suggestions import queues, services
from suggestions.choices import Rating, State
from suggestions.models import SuggestionSettings

from .helpers import draft, make

pytestmark = pytest.mark.django_db


def _box(user, key, today=None):
    return set(queues.box_queryset(user, key, today).values_list("pk", flat=True))


def _listed(client, key):
    response = client.get(reverse("suggestions:list"), {"box": key})
    assert response.status_code == 200
    return {s.pk for s in response.context["items"]}, dict((b.key, n) for b, n in response.context["boxes"])


def test_the_send_back_window_cutoffs_agree_with_the_calendar():
    today = timezone.localdate()
    for n, cutoff in queues.window_cutoffs(today, 12).items():
        assert due_in_workdays(cutoff, n) >= today  # still open on the cutoff day
        assert due_in_workdays(cutoff - datetime.timedelta(days=1), n) < today  # closed the day before
    assert queues.due_soon_limits(today, 12) == [due_soon_limit(today, workdays=n) for n in range(13)]


def test_unit_queues_follow_the_units_part(login, cast):
    s = make(cast, State.HANDLING)  # lead 区住建局 (zhujian), co-unit 区生态环境分局 (huanbao), assigned today
    other = make(cast, State.HANDLING, user=cast.renwei_deputy, co=[], title="关于任圩街道路灯维修的建议")
    assert _box(cast.zhujian, "reply") == {s.pk, other.pk}
    assert _box(cast.zhujian, "return_window") == {s.pk, other.pk}
    assert _box(cast.zhujian, "opinion") == set()
    assert _box(cast.huanbao, "opinion") == {s.pk, other.pk} and _box(cast.huanbao, "reply") == set()

    services.suggestion_request_return(suggestion=other, actor=cast.zhujian, reason="不属于本单位职责。")
    assert _box(cast.zhujian, "return_window") == {s.pk}  # a pending request: nothing more to ask
    services.suggestion_co_opinion(suggestion=s, actor=cast.huanbao, opinion="同意主办单位意见。")
    assert _box(cast.huanbao, "opinion") == {other.pk}

    # Eight working days on the window has closed; near the reply due date it is due soon, then overdue.
    later = due_in_workdays(timezone.localdate(), 8)
    assert _box(cast.zhujian, "return_window", later) == set()
    s.refresh_from_db()
    assert _box(cast.zhujian, "due_soon", s.reply_due - datetime.timedelta(days=1)) == {s.pk, other.pk}
    assert _box(cast.zhujian, "overdue", s.reply_due) == set()
    assert _box(cast.zhujian, "overdue", s.reply_due + datetime.timedelta(days=1)) == {s.pk, other.pk}
    # The window follows the setting.
    cfg = SuggestionSettings.load()
    cfg.return_window_workdays = 10
    cfg.save()
    assert _box(cast.zhujian, "return_window", later) == {s.pk}

    client = login(cast.zhujian)
    rows, counts = _listed(client, "reply")
    assert rows == {s.pk, other.pk} and counts["reply"] == 2 and counts["opinion"] == 0
    assert "register" not in counts  # a unit has no staff queues


def test_the_tracking_queue_holds_b_answers_until_the_measures_are_done(cast):
    s = make(cast, State.CONCLUDED, reply_class="B")
    make(cast, State.CONCLUDED, reply_class="A", title="关于增设社区养老服务站的建议")
    assert _box(cast.zhujian, "tracking") == {s.pk}
    assert _box(cast.huanbao, "tracking") == set()  # a co-unit does not report the measures
    services.suggestion_measures_done(suggestion=s, actor=cast.zhujian, comment="信号灯已安装。")
    assert _box(cast.zhujian, "tracking") == set()


def test_staff_queues_and_their_scope(login, cast):
    submitted = make(cast, State.SUBMITTED)
    registered = make(cast, State.REGISTERED, title="关于增设社区养老服务站的建议")
    accepted = make(cast, State.ACCEPTED, title="关于整治背街小巷的建议")
    review = make(cast, State.REVIEW, title="关于改造老旧小区的建议")
    extension = make(cast, State.HANDLING, title="关于修缮文化广场的建议")
    services.suggestion_request_extension(suggestion=extension, actor=cast.zhujian, months=2, explanation="需立项。")
    back = make(cast, State.HANDLING, title="关于治理河道的建议")
    services.suggestion_request_return(suggestion=back, actor=cast.zhujian, reason="不属于本单位职责。")
    twice = make(cast, State.ANSWERED, title="关于公交线路的建议")
    services.suggestion_evaluate(suggestion=twice, actor=cast.deputy, work_rating=Rating.DISSATISFIED,
                                 result_rating=Rating.DISSATISFIED, comment="未解决。")
    services.suggestion_consult(suggestion=twice, actor=cast.zhujian, form="phone", date=timezone.localdate(),
                                person_name="王局长", person_level="head")
    services.suggestion_reply(suggestion=twice, actor=cast.zhujian, data={
        "doc_number": "相住建〔2026〕13号", "signer": "王局长", "contact_name": "孙磊", "contact_phone": "0561-3012345",
        "reply_class": "A", "body": "已解决。", "co_opinions": "区生态环境分局:同意。"})
    services.suggestion_approve_reply(suggestion=twice, actor=cast.staff)
    services.suggestion_evaluate(suggestion=twice, actor=cast.deputy, work_rating=Rating.DISSATISFIED,
                                 result_rating=Rating.BASIC, comment="仍不满意。")
    renwei = make(cast, State.SUBMITTED, user=cast.renwei_deputy, co=[], title="关于任圩街道路灯维修的建议")

    expected = {"register": {submitted.pk, renwei.pk}, "examine": {registered.pk}, "assign": {accepted.pk},
                "approve": {review.pk}, "extension": {extension.pk}, "send_back": {back.pk},
                "supervision": {twice.pk}}
    client = login(cast.staff)
    for key, pks in expected.items():
        rows, counts = _listed(client, key)
        assert rows == pks, key
        assert counts[key] == len(rows), key  # the tab counts exactly what it lists
    # Area staff: only their area's deputies' suggestions.
    assert _box(cast.dongshan_staff, "register") == {submitted.pk}
    assert _box(cast.renwei_staff, "register") == {renwei.pk}
    assert queues.queue_counts(cast.renwei_staff)["supervision"] == 0
    # A leader watches: no queues, no badge.
    assert queues.boxes_for(cast.leader) == []


def test_deputy_queues(login, cast):
    mine = draft(cast)  # 刘芳's draft, co-signed by 张伟
    consult = make(cast, State.HANDLING, title="关于增设社区养老服务站的建议")
    services.suggestion_consult(suggestion=consult, actor=cast.zhujian, form="phone", date=timezone.localdate(),
                                person_name="王局长", person_level="head")
    answered = make(cast, State.ANSWERED, title="关于整治背街小巷的建议", confirmed=True)
    assert _box(cast.deputy, "drafts") == {mine.pk}
    assert _box(cast.group_leader, "cosign") == {mine.pk}  # not the ones already registered
    assert _box(cast.deputy, "consultation") == {consult.pk, answered.pk}  # both 面商 records await him
    row = answered.consultations.get()
    services.suggestion_confirm_consultation(suggestion=answered, actor=cast.deputy, consultation=row, agree=True)
    assert _box(cast.deputy, "consultation") == {consult.pk}
    assert _box(cast.group_leader, "consultation") == set()  # the lead deputy confirms 面商
    assert _box(cast.deputy, "evaluate") == {answered.pk}
    assert _box(cast.group_leader, "evaluate") == set()  # co-signers rate only where the district enables it
    cfg = SuggestionSettings.load()
    cfg.cosigners_evaluate = True
    cfg.save()
    assert _box(cast.group_leader, "evaluate") == {answered.pk}
    services.suggestion_evaluate(suggestion=answered, actor=cast.group_leader, work_rating=Rating.SATISFIED,
                                 result_rating=Rating.SATISFIED)
    assert _box(cast.group_leader, "evaluate") == set()  # rated: off the queue, the lead deputy still on
    assert _box(cast.deputy, "evaluate") == {answered.pk}

    services.suggestion_cosign(suggestion=mine, actor=cast.group_leader)
    assert _box(cast.group_leader, "cosign") == set()
    client = login(cast.deputy)
    rows, counts = _listed(client, "consultation")
    assert rows == {consult.pk} and counts == {"cosign": 0, "consultation": 1, "evaluate": 1, "drafts": 1}
    assert _box(cast.renwei_deputy, "evaluate") == set()


def test_the_badge_counts_every_waiting_suggestion_in_one_query(cast, django_assert_num_queries):
    make(cast, State.SUBMITTED)
    s = make(cast, State.HANDLING, title="关于增设社区养老服务站的建议")
    draft(cast, title="关于整治背街小巷的建议")
    for who in (cast.staff, cast.dongshan_staff, cast.zhujian, cast.huanbao, cast.deputy, cast.group_leader,
                cast.admin):
        who.roles, who.deputy_profile, who.area  # noqa: B018 - the request has loaded them already
        with django_assert_num_queries(1):
            counts = queues.queue_counts(who)
        assert counts["any"] == len(set().union(*(_box(who, b.key) for b in queues.boxes_for(who)))), who
    assert queues.queue_counts(cast.zhujian)["any"] == 1  # s: awaiting the reply (and the window is open)
    assert queues.queue_counts(cast.group_leader)["cosign"] == 2  # the submitted one and the draft
    nav = {e["key"]: e["count"] for e in items_for(cast.zhujian)}
    assert nav["suggestions"] == 1
    assert {e["key"]: e["count"] for e in items_for(cast.leader)}["suggestions"] == 0
    assert s.pk in _box(cast.zhujian, "reply")


def test_the_list_refuses_an_unknown_or_foreign_queue_with_a_message(login, cast):
    make(cast, State.SUBMITTED)
    response = login(cast.zhujian).get(reverse("suggestions:list"), {"box": "register"})
    assert response.status_code == 200 and response.context["box"] is None
    assert 'data-testid="queue-refused"' in response.content.decode()
    response = login(cast.leader).get(reverse("suggestions:list"), {"box": "nonsense\x00"})
    assert response.status_code == 200 and 'data-testid="queue-refused"' in response.content.decode()
    response = login(cast.staff).get(reverse("suggestions:list"), {"box": "register"})
    body = response.content.decode()
    assert 'data-testid="queue-register"' in body and "待登记" in body


def test_the_queue_list_runs_a_fixed_number_of_queries(login, cast):
    client = login(cast.zhujian)
    url = reverse("suggestions:list")
    client.get(url, {"box": "reply"})
    make(cast, State.HANDLING, co=[])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"box": "reply"})
        return len(ctx.captured_queries), len(response.context["items"])

    few = count()
    for i in range(6):
        make(cast, State.HANDLING, co=[], title=f"关于第{i}件事的建议")
    many = count()
    assert many == (few[0], 7) and few[1] == 1
    # The tabs and the navigation badge share the one aggregate query.
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert sum("COUNT(" in q["sql"] and "FILTER" in q["sql"] for q in ctx.captured_queries) == 1
