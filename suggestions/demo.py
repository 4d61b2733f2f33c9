"""Demo suggestions (代表建议): one open session, 区人大十二届二次会议, with a dozen suggestions of district
deputies in every state of the loop, walked through `suggestions.services` (so numbers, deadlines,
events and notifications are what a live session has). Idempotent: does nothing once the session exists."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from core.loops import due_in_months
from deputies.choices import Level, MandateStatus
from deputies.models import Deputy
from units.models import HandlingUnit

from . import services
from .choices import Rating, SessionKind, State
from .models import Session

SESSION = "区人大十二届二次会议"
TOPICS = [
    ("关于加快老旧小区雨污分流改造的建议", "部分老旧小区雨污合流,雨天污水倒灌,建议列入年度改造计划。"),
    ("关于增设中小学周边临时停车位的建议", "上下学时段接送车辆拥堵,建议错时开放周边停车场。"),
    ("关于推进社区嵌入式养老服务的建议", "社区养老服务站开放时间短,建议引入专业机构运营。"),
    ("关于整治沿街餐饮油烟扰民的建议", "沿街餐饮店油烟直排,建议加装净化设施并加强执法。"),
    ("关于规范电动自行车集中充电设施的建议", "楼道飞线充电普遍,建议在小区增设集中充电桩。"),
    ("关于完善背街小巷路灯照明的建议", "多条背街小巷无路灯,建议纳入城市照明提升工程。"),
    ("关于提升农贸市场管理水平的建议", "农贸市场设施陈旧,建议改造提升并规范经营秩序。"),
    ("关于加强河道日常保洁的建议", "河道夏季有异味,建议定期清淤并排查排污口。"),
]
# The state each demo suggestion is walked to, in order.
PATH = [State.DRAFT, State.SUBMITTED, State.REGISTERED, State.ACCEPTED, State.HANDLING, State.HANDLING,
        State.REVIEW, State.ANSWERED, State.CONCLUDED]


def seed(out) -> None:
    if Session.objects.filter(name=SESSION).exists():
        return
    today = timezone.localdate()
    session = Session.objects.create(name=SESSION, level=Level.DISTRICT, kind=SessionKind.CONGRESS, year=today.year,
                                     starts_on=today, open_for_submissions=True)
    staff = User.objects.filter(username="staff").first()
    lead_user, co_user = (User.objects.filter(username=n).first() for n in ("zhujian", "huanbao"))
    deputy_user = User.objects.filter(username="deputy").first()
    if not (staff and lead_user and co_user and deputy_user and getattr(deputy_user, "deputy", None)):
        out.write("  代表建议:缺少演示账号,跳过。")
        return
    others = list(Deputy.objects.filter(mandates__term__level=Level.DISTRICT, mandates__status=MandateStatus.IN_OFFICE)
                  .exclude(pk=deputy_user.deputy.pk).distinct().order_by("pk")[:12])
    units = (HandlingUnit.objects.get(pk=lead_user.unit_id), HandlingUnit.objects.get(pk=co_user.unit_id))
    for n, state in enumerate(PATH):
        title, body = TOPICS[n % len(TOPICS)]
        mine = state in (State.DRAFT, State.CONCLUDED, State.ANSWERED)  # the demo deputy walks these
        lead = deputy_user.deputy if mine or not others else others[n % len(others)]
        actor = deputy_user if mine else staff
        s = services.suggestion_create(actor=actor, session=session, lead_deputy=lead, data={"title": title, "body": body},
                                       co_deputies=others[n % len(others):n % len(others) + 2] if others else ())
        if state == State.DRAFT:
            continue
        s = services.suggestion_submit(suggestion=s, actor=actor)
        if state == State.SUBMITTED:
            continue
        s = services.suggestion_register(suggestion=s, actor=staff)
        if state == State.REGISTERED:
            continue
        s = services.suggestion_start_review(suggestion=s, actor=staff)
        s = services.suggestion_accept(suggestion=s, actor=staff)
        if state == State.ACCEPTED:
            continue
        s = services.suggestion_assign(suggestion=s, actor=staff, lead_unit=units[0], co_units=[units[1]],
                                       supervising_committee="城建环保工委", key_supervision=n == 4)
        if state == State.HANDLING:
            continue
        services.suggestion_co_opinion(suggestion=s, actor=co_user, opinion="同意主办单位意见,配合做好相关工作。")
        services.suggestion_consult(suggestion=s, actor=lead_user, form="visit", date=today, person_name="王局长",
                                    person_level="head")
        services.suggestion_reply(suggestion=s, actor=lead_user, data={
            "reply_class": "B", "doc_number": f"相住建〔{today.year}〕{n + 1}号", "signer": "王局长",
            "contact_name": "孙磊", "contact_phone": "0561-3012345", "body": "已制定工作方案,分步实施。",
            "planned_measures": "年内完成方案设计,明年上半年实施。", "planned_date": due_in_months(today, 12),
            "co_opinions": "区生态环境分局:同意。"})
        if state == State.REVIEW:
            continue
        s = services.suggestion_approve_reply(suggestion=s, actor=staff)
        if state == State.ANSWERED:
            continue
        services.suggestion_evaluate(suggestion=s, actor=deputy_user, work_rating=Rating.SATISFIED,
                                     result_rating=Rating.BASIC)
    out.write(f"  代表建议:{SESSION} {len(PATH)} 件。")
