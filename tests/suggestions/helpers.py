"""Building suggestions in any state through the services themselves (never by writing the state)."""

import datetime

from django.utils import timezone

from suggestions import services
from suggestions.choices import Rating, State
from suggestions.models import Session, Suggestion

SESSION = "区人大十二届一次会议"


def session(name=SESSION, **extra) -> Session:
    defaults = {"year": 2026, "open_for_submissions": True}
    defaults.update(extra)
    return Session.objects.get_or_create(name=name, defaults=defaults)[0]


def draft(cast, *, user=None, sess=None, co=None, **data) -> Suggestion:
    user = user or cast.deputy
    fields = {"title": "关于改善东山路交通秩序的建议", "body": "东山路早晚高峰拥堵,建议增设信号灯和停车位。"}
    fields.update(data)
    co = [cast.group_leader.deputy] if co is None else co
    return services.suggestion_create(actor=user, session=sess or session(), lead_deputy=user.deputy,
                                      data=fields, co_deputies=co)


REPLY = {"doc_number": "相住建〔2026〕12号", "signer": "王局长", "contact_name": "孙磊", "contact_phone": "0561-3012345",
         "body": "已制定改造方案。", "planned_measures": "2027年上半年增设信号灯两处。",
         "planned_date": datetime.date(2027, 6, 30), "not_adopted_reason": "", "co_opinions": "区生态环境分局:同意。"}


def reply_data(reply_class="B", **extra):
    data = dict(REPLY, reply_class=reply_class)
    if reply_class in ("C", "D"):
        data["not_adopted_reason"] = "受财力限制,暂不具备条件。"
    data.update(extra)
    return data


def make(cast, state: str, *, reply_class="B", user=None, confirmed=False, **extra) -> Suggestion:
    """A suggestion of `user` (default `cast.deputy`) in `state`: lead unit 区住建局 (zhujian), co-unit
    区生态环境分局 (huanbao). `confirmed`: the co-signers confirm it in the product before it is submitted."""
    user = user or cast.deputy
    s = draft(cast, user=user, **extra)
    if confirmed:
        for row in s.cosigners.select_related("deputy__user"):
            services.suggestion_cosign(suggestion=s, actor=row.deputy.user)
    if state == State.DRAFT:
        return s
    staff, lead, co = cast.staff, cast.zhujian, cast.huanbao
    s = services.suggestion_submit(suggestion=s, actor=user)
    if state == State.SUBMITTED:
        return s
    s = services.suggestion_register(suggestion=s, actor=staff)
    if state == State.REGISTERED:
        return s
    s = services.suggestion_start_review(suggestion=s, actor=staff)
    if state == State.REVIEWING:
        return s
    s = services.suggestion_accept(suggestion=s, actor=staff)
    if state == State.ACCEPTED:
        return s
    s = services.suggestion_assign(suggestion=s, actor=staff, lead_unit=lead.unit, co_units=[co.unit])
    if state == State.HANDLING:
        return s
    services.suggestion_co_opinion(suggestion=s, actor=co, opinion="同意主办单位意见。")
    services.suggestion_consult(suggestion=s, actor=lead, form="visit", date=timezone.localdate(),
                                person_name="王局长", person_level="head")
    services.suggestion_reply(suggestion=s, actor=lead, data=reply_data(reply_class))
    s.refresh_from_db()
    if state == State.REVIEW:
        return s
    s = services.suggestion_approve_reply(suggestion=s, actor=staff)
    if state == State.ANSWERED:
        return s
    services.suggestion_evaluate(suggestion=s, actor=user, work_rating=Rating.SATISFIED,
                                 result_rating=Rating.BASIC)
    s.refresh_from_db()
    assert s.state == state, (s.state, state)
    return s
