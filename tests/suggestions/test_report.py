"""The session report's figures beyond the stats command: 见面率, first-round vs final satisfaction,
re-handled, open B/C, 督办."""

import datetime

import pytest

from suggestions import services
from suggestions.choices import Action, Rating, State
from suggestions.selectors import session_report, session_stats

from .helpers import make, reply_data

pytestmark = pytest.mark.django_db


def test_it_reports_meeting_rate_rehandling_and_first_against_final_satisfaction(cast):
    good = make(cast, State.CONCLUDED)  # 上门 面商, 满意/基本满意 first time, class B: on the 跟踪 list
    again = make(cast, State.ANSWERED)
    services.suggestion_evaluate(suggestion=again, actor=cast.deputy, work_rating=Rating.DISSATISFIED,
                                 result_rating=Rating.DISSATISFIED, comment="没有落实")
    services.suggestion_consult(suggestion=again, actor=cast.zhujian, form="none")
    services.suggestion_reply(suggestion=again, actor=cast.zhujian, data=reply_data("A"))
    services.suggestion_approve_reply(suggestion=again, actor=cast.staff)
    services.suggestion_evaluate(suggestion=again, actor=cast.deputy, work_rating=Rating.SATISFIED,
                                 result_rating=Rating.SATISFIED)
    rejected = make(cast, State.REVIEWING)
    services.suggestion_reject(suggestion=rejected, actor=cast.staff, ground="other", reason="属于个人诉求")
    report = session_report(good.session)
    assert report["not_accepted"] == 1 and report["answered"] == 2
    assert report["meeting_rate"] == 100.0  # both had a 上门 面商 in round 1
    assert report["first_work_satisfaction_rate"] == 50.0 and report["first_result_satisfaction_rate"] == 50.0
    assert session_stats(good.session)["work_satisfaction_rate"] == 100.0  # final ratings
    assert report["rehandled"] == 1 and report["tracking"] == 1 and report["supervised"] == []


def test_it_lists_the_suggestions_gone_to_supervision(cast):
    s = make(cast, State.ANSWERED)
    for _round in range(2):
        services.suggestion_evaluate(suggestion=s, actor=cast.deputy, work_rating=Rating.DISSATISFIED,
                                     result_rating=Rating.BASIC, comment="不满意")
        s.refresh_from_db()
        if s.state == State.HANDLING:
            services.suggestion_consult(suggestion=s, actor=cast.zhujian, form="phone",
                                        date=datetime.date(2026, 11, 26), person_name="王局长", person_level="head")
            services.suggestion_reply(suggestion=s, actor=cast.zhujian, data=reply_data("B"))
            services.suggestion_approve_reply(suggestion=s, actor=cast.staff)
    assert session_report(s.session)["supervised"] == [s]
    s = services.suggestion_close_supervised(suggestion=s, actor=cast.staff, comment="督办后已落实")
    assert s.state == State.CONCLUDED and s.events.filter(action=Action.CLOSE_SUPERVISED).exists()
