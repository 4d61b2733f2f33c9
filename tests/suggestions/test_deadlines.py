"""The statutory clock in calendar months (core.loops.due_in_months), configurable; 未表态 is not satisfied."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from suggestions import services
from suggestions.choices import Rating, State
from suggestions.models import Evaluation, SuggestionSettings, SuggestionUnit
from suggestions.selectors import session_stats

from .helpers import make, reply_data

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _on(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=TZ), tick=False)


def test_it_gives_three_calendar_months_to_reply_clamped_to_the_month_end(cast):
    s = make(cast, State.ACCEPTED)
    with _on(datetime.date(2026, 11, 30)):
        s = services.suggestion_assign(suggestion=s, actor=cast.staff, lead_unit=cast.zhujian.unit)
    assert s.reply_due == datetime.date(2027, 2, 28)


def test_it_reads_the_reply_months_from_the_settings(cast):
    cfg = SuggestionSettings.load()
    cfg.reply_months = 2
    cfg.save()
    s = make(cast, State.HANDLING)
    assert s.reply_due == datetime.date(2027, 1, 26)


def test_it_extends_at_most_to_six_months_with_staff_approval(cast):
    s = make(cast, State.HANDLING)
    with pytest.raises(services.LoopError, match="书面说明"):
        services.suggestion_request_extension(suggestion=s, actor=cast.zhujian, months=2, explanation="")
    with pytest.raises(services.LoopError, match="不能超过交办后 6 个月"):
        services.suggestion_request_extension(suggestion=s, actor=cast.zhujian, months=4, explanation="需立项")
    services.suggestion_request_extension(suggestion=s, actor=cast.zhujian, months=3, explanation="需立项审批")
    s = services.suggestion_decide_extension(suggestion=s, actor=cast.staff, approve=True)
    assert s.reply_due == datetime.date(2027, 5, 26)
    assert SuggestionUnit.objects.get(suggestion=s, role="lead").due_date == datetime.date(2027, 5, 26)
    with pytest.raises(services.LoopError, match="最多还可延期 0 个月"):
        services.suggestion_request_extension(suggestion=s, actor=cast.zhujian, months=1, explanation="再延")


def test_it_lets_a_unit_ask_to_send_back_only_within_seven_working_days(cast):
    s = make(cast, State.HANDLING)  # assigned Thursday 26 November 2026
    with _on(datetime.date(2026, 12, 8)):  # the 8th working day after
        with pytest.raises(services.LoopError, match="超过 7 个工作日"):
            services.suggestion_request_return(suggestion=s, actor=cast.zhujian, reason="不属本单位职责")
    with _on(datetime.date(2026, 12, 7)):
        services.suggestion_request_return(suggestion=s, actor=cast.zhujian, reason="不属本单位职责")
        s = services.suggestion_decide_return(suggestion=s, actor=cast.staff, approve=True)
    assert s.state == State.ACCEPTED
    assert not SuggestionUnit.objects.filter(suggestion=s, is_current=True).exists()


def test_it_rehandles_within_one_month_after_dissatisfied_and_supervises_the_second(cast):
    s = make(cast, State.ANSWERED)
    services.suggestion_evaluate(suggestion=s, actor=cast.deputy, work_rating=Rating.BASIC,
                                 result_rating=Rating.DISSATISFIED, comment="信号灯仍未安装")
    s.refresh_from_db()
    assert s.state == State.HANDLING and s.handling_round == 2
    assert s.reply_due == datetime.date(2026, 12, 26)
    with pytest.raises(services.LoopError, match="1 个月内答复,不能延期"):
        services.suggestion_request_extension(suggestion=s, actor=cast.zhujian, months=1, explanation="需时间")
    assert SuggestionUnit.objects.filter(suggestion=s, is_current=True, round=2).count() == 2
    services.suggestion_consult(suggestion=s, actor=cast.zhujian, form="phone", date=datetime.date(2026, 11, 26),
                                person_name="王局长", person_level="head")
    services.suggestion_reply(suggestion=s, actor=cast.zhujian, data=reply_data("B"))
    services.suggestion_approve_reply(suggestion=s, actor=cast.staff)
    services.suggestion_evaluate(suggestion=s, actor=cast.deputy, work_rating=Rating.DISSATISFIED,
                                 result_rating=Rating.DISSATISFIED, comment="仍未解决")
    s.refresh_from_db()
    assert s.state == State.SUPERVISION and s.supervised and s.dissatisfied_count == 2


def test_it_records_no_answer_as_not_satisfied_when_the_window_passes(cast):
    s = make(cast, State.ANSWERED)
    assert s.evaluation_due == datetime.date(2026, 12, 26)
    assert services.expire_due_evaluations(today=datetime.date(2026, 12, 26)) == 0
    with _on(datetime.date(2026, 12, 27)):
        assert services.expire_due_evaluations() == 1
        assert services.expire_due_evaluations() == 0  # idempotent
    s.refresh_from_db()
    assert s.state == State.CONCLUDED
    assert (s.work_rating, s.result_rating) == (Rating.NO_ANSWER, Rating.NO_ANSWER)
    assert Evaluation.objects.get(suggestion=s).work_rating == Rating.NO_ANSWER
    stats = session_stats(s.session)
    assert stats["concluded"] == 1
    assert stats["work_satisfaction_rate"] is None and stats["result_satisfaction_rate"] is None
