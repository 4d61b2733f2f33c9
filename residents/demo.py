"""Demo resident reports (群众来信): a 代表码 for each demo deputy account (`deputy`, `zuzhang`), a 联络站码 for
the liaison station (代表联络站) of the demo deputy's sub-district with that deputy on duty, and 13 reports
over the last two months in every state a newcomer should see — 已提交 (the deputy's badge), 已受理, 已答复
waiting for the rating, 已办结 rated 满意 / 基本满意, one 不满意 reopened (back to 已受理), one 已转社情民意 (an
opinion item made through the petitions door), one 已转交街道, one 不予受理 with a reason and one closed by
the nightly job as 未评价.

Every state change goes through residents.services. The report is confirmed the way a partner app's is
(residents/partner.py: the loop's own VERIFY transition through `mark_submitted`): no SMS code, no SMS at
all, whatever RESIDENT_SMS_BASE_URL says. After each walk the timestamps are moved back to the dates of
the story (events, the report's dates, the notifications they made), as projects/demo.py does; the
conversion is left at today, the day its opinion item is submitted. Idempotent: does nothing once a
demo code has reports."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from core.loops import due_in_workdays, lock, record_event

from . import services
from .choices import TRANSITIONS, Action, Category, Satisfaction, State
from .models import Report, ReportEvent, ResidentCode

# Step times are (days ago, "HH:MM"); None: now (left as the service wrote it).
# code: "deputy" / "leader" (the two deputies' 代表码) or "station" (the 联络站码, the demo deputy on duty).
# steps: (action, when, argument); "rate" takes (satisfaction, comment), "expire" runs the nightly job.
REPORTS = [
    {"code": "deputy", "category": Category.URBAN, "at": (1, "20:15"), "phone": "13900000101",
     "name": "王桂英", "show_name": True, "address": "周庄社区3号楼至5号楼之间",
     "text": "周庄社区3号楼到5号楼之间的路灯不亮快一个月了,晚上一片漆黑,老人出门散步很不方便,"
             "希望尽快修好。", "steps": []},
    {"code": "deputy", "category": Category.ECOLOGY, "at": (2, "09:30"), "phone": "13900000102",
     "address": "东山路与人民路交口",
     "text": "小区东门外的几家烧烤店每天营业到凌晨两三点,噪音扰民,油烟也很大,楼上住户晚上根本睡不好。",
     "steps": []},
    {"code": "leader", "category": Category.URBAN, "at": (3, "18:40"), "phone": "13900000113",
     "text": "家门口的健身广场有几件健身器材已经损坏,螺丝松动,孩子在上面玩耍很危险,希望尽快维修或更换。",
     "steps": []},
    {"code": "deputy", "category": Category.URBAN, "at": (6, "10:05"), "phone": "13900000103",
     "address": "人民路东山公交站",
     "text": "人民路东山公交站台的雨棚玻璃碎了一块,座椅也坏了,下雨天候车很不方便,碎玻璃还有安全隐患。",
     "steps": [("accept", (5, "09:20"), None)]},
    {"code": "deputy", "category": Category.URBAN, "at": (12, "08:50"), "phone": "13900000104",
     "name": "李建国", "address": "周庄社区8号楼地下车库入口",
     "text": "小区积水严重:地下车库入口一下雨就积水,最深的时候没过脚踝,车辆进出困难,希望疏通排水沟。",
     "steps": [("accept", (11, "15:10"), None),
               ("answer", (5, "16:30"), "已联系街道城管中队和小区物业,排水沟已于本周完成清淤疏通,入口处"
                                          "加装了截水沟。下次大雨后我们再去现场查看,如仍有积水请继续反映。")]},
    {"code": "deputy", "category": Category.LIVELIHOOD, "at": (40, "11:20"), "phone": "13900000105",
     "name": "赵秀兰", "show_name": True, "address": "周庄社区老年食堂",
     "text": "社区老年食堂中午经常排长队,去晚了饭菜就不够了,希望增加供餐窗口和饭菜数量。",
     "steps": [("accept", (39, "09:00"), None),
               ("answer", (30, "15:00"), "经与社区和食堂运营方协调,已增加一个供餐窗口,午餐备餐量增加三成,"
                                           "并开通电话预约留餐。"),
               ("rate", (28, "12:10"), (Satisfaction.SATISFIED, "现在不用排长队了,谢谢代表。"))]},
    {"code": "station", "category": Category.LIVELIHOOD, "at": (35, "14:30"), "phone": "13900000106",
     "address": "周庄社区",
     "text": "养老服务:我们小区独居老人多,子女不在身边,希望社区能定期上门探访,提供助浴、理发等服务。",
     "steps": [("accept", (35, "17:10"), None),
               ("answer", (25, "10:40"), "已将小区独居老人纳入社区居家养老服务名单,社区网格员每周上门探访一次,"
                                           "助浴、理发服务每月第一个周六在社区养老服务站提供。"),
               ("rate", (24, "19:05"), (Satisfaction.SATISFIED, ""))]},
    {"code": "deputy", "category": Category.URBAN, "at": (50, "07:45"), "phone": "13900000107",
     "address": "周庄社区西侧背街小巷",
     "text": "周庄社区西侧背街小巷路面坑洼不平,下雨积水,电动车经常摔倒,希望修补路面。",
     "steps": [("accept", (45, "16:00"), None),
               ("answer", (38, "11:30"), "区城市管理局已对该路段破损路面进行修补,共修补坑槽十余处。"),
               ("rate", (36, "08:20"), (Satisfaction.BASIC, "修好了,但是施工拖得有点久。"))]},
    {"code": "deputy", "category": Category.GOVERNANCE, "at": (30, "21:10"), "phone": "13900000108",
     "address": "周庄社区6号楼2单元",
     "text": "楼道里有人从家里拉电线给电动车充电,飞线充电很危险,跟物业说过几次都没人管。",
     "steps": [("accept", (29, "09:15"), None),
               ("answer", (20, "14:20"), "已督促物业在楼道张贴安全告知书,并对相关住户进行了劝导。"),
               ("rate", (18, "20:30"), (Satisfaction.DISSATISFIED,
                                        "物业只是贴了通知,飞线充电还是没人管,小区也没有集中充电桩。"))]},
    {"code": "deputy", "category": Category.URBAN, "at": (4, "16:20"), "phone": "13900000109",
     "name": "孙长明", "address": "周庄社区3号楼",
     "text": "我们3号楼想加装电梯,大部分住户同意,但资金分摊和低层住户的意见一直协调不下来,"
             "希望有关部门给予政策指导和帮助。",
     "steps": [("accept", (3, "10:00"), None),
               ("convert", None, "涉及老旧小区加装电梯政策和资金补助,需要住建部门统筹研究。")]},
    {"code": "deputy", "category": Category.GOVERNANCE, "at": (8, "12:40"), "phone": "13900000110",
     "address": "周庄社区",
     "text": "小区物业服务越来越差,垃圾清运不及时,门禁坏了也不修,业主委员会和物业的矛盾很大。",
     "steps": [("transfer", (7, "09:40"), "涉及物业服务和业委会协调,请街道物业管理部门牵头处理。")]},
    {"code": "deputy", "category": Category.GOVERNANCE, "at": (20, "19:50"), "phone": "13900000111",
     "text": "邻居家装修把建筑垃圾堆在我家门口,还占了我买的车位,协商多次不成,要求代表帮我让邻居赔偿。",
     "steps": [("reject", (19, "10:30"), "您反映的是邻里之间的民事纠纷,赔偿问题不属于人大代表和政府部门"
                                          "处理的范围。建议向社区人民调解委员会申请调解,也可以依法向人民法院"
                                          "提起诉讼;建筑垃圾乱堆放问题可拨打12345热线反映。")]},
    {"code": "station", "category": Category.ECOLOGY, "at": (45, "09:10"), "phone": "13900000112",
     "address": "周庄社区垃圾分类投放点",
     "text": "小区垃圾分类投放点的垃圾桶经常满溢,夏天气味很大,希望增加清运次数。",
     "steps": [("accept", (44, "10:20"), None),
               ("answer", (40, "15:45"), "已协调环卫公司将该投放点的清运由每天一次增加为每天两次,并安排专人"
                                           "定时清洗垃圾桶。"),
               ("expire", (24, "02:00"), None)]},
]


def _time(when) -> datetime.datetime | None:
    if when is None:
        return None
    days, hhmm = when
    hour, minute = (int(x) for x in hhmm.split(":"))
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _codes(staff, deputy_users) -> dict:
    """The demo deputies' 代表码 and the station's 联络站码 (kept when they exist, issued otherwise)."""
    from deputies.choices import HomeKind
    from deputies.models import Deputy, DeputyHome

    codes = {}
    for key, user in deputy_users.items():
        deputy = user.deputy_profile if user else None
        if deputy is None or not Deputy.objects.in_office().filter(pk=deputy.pk).exists():
            continue
        codes[key] = (ResidentCode.objects.filter(deputy=deputy, is_active=True).first()
                      or services.code_issue(actor=staff, deputy=deputy))
    main = deputy_users["deputy"].deputy_profile if deputy_users.get("deputy") else None
    if main is not None and main.area_id:
        from areas.models import Area

        town = main.area.town() or main.area
        home = (DeputyHome.objects.filter(kind=HomeKind.STATION, area__in=Area.objects.subtree(town)).order_by("id")
                .first())
        code = ResidentCode.objects.filter(home=home, is_active=True).first() if home is not None else None
        if home is not None and code is None:
            code = services.code_issue(actor=staff, home=home, on_duty=[main])
        # A code someone else issued without the demo deputy on duty: its reports are not theirs to walk.
        if code is not None and code.on_duty.filter(pk=main.pk).exists():
            codes["station"] = code
    return codes


def _submit(code: ResidentCode, spec: dict) -> Report:
    """Written and confirmed as a partner app's report is (residents/partner.py): no SMS code is sent."""
    with transaction.atomic():
        report = Report.objects.create(
            code=code, area=code.area, category=spec["category"], text=spec["text"],
            address=spec.get("address", ""), name=spec.get("name", ""), show_name=spec.get("show_name", False),
            phone=spec["phone"])
        record_event(ReportEvent, report=report, action=Action.CREATE, actor=None, from_state="",
                     to_state=report.state, data={"demo": True})
        report, _kinds = lock(report, Action.VERIFY, None, table=TRANSITIONS, actor_kinds=services.actor_kinds,
                              model=Report, stale_message="")
        services.mark_submitted(report, comment="演示数据:未发送短信验证码", data={"demo": True, "sms": False})
    return report


def _redate(report: Report, times: list) -> None:
    """Move the report's events (one per call, in order) and its dates to `times` (None: keep)."""
    from notifications.models import Notification

    events = list(ReportEvent.objects.filter(report=report).order_by("id"))
    if len(events) != len(times):
        raise RuntimeError(f"群众来信演示数据:{len(events)} 条办理记录,{len(times)} 个时间")
    for event, at in zip(events, times, strict=True):
        if at is None or event.created_at == at:
            continue
        ReportEvent.objects.filter(pk=event.pk).update(created_at=at)
        Notification.objects.filter(key__startswith=f"resident_report:{report.pk}:event:{event.pk}:").update(
            created_at=at)
        event.created_at = at

    def last(*actions):
        found = [e.created_at for e in events if e.action in actions]
        return found[-1] if found else None

    report.refresh_from_db()
    submitted = last(Action.VERIFY)
    fields = {"created_at": events[0].created_at, "submitted_at": submitted,
              "accept_due": due_in_workdays(timezone.localdate(submitted), settings.RESIDENT_ACCEPT_WORKDAYS)}
    if report.accepted_at:
        responses = (Action.ACCEPT, Action.ANSWER, Action.CONVERT, Action.TRANSFER, Action.REJECT)
        fields["accepted_at"] = next(e.created_at for e in events if e.action in responses)
    if report.transferred_at:
        fields["transferred_at"] = last(Action.TRANSFER)
    if report.closed_at:
        fields["closed_at"] = last(Action.ANSWER, Action.CONVERT, Action.REJECT)
    if report.rated_at:
        fields["rated_at"] = last(Action.RATE, Action.EXPIRE_RATING)
    Report.objects.filter(pk=report.pk).update(**fields)


def _walk(spec: dict, code: ResidentCode, actor) -> Report:
    report = _submit(code, spec)
    submitted = _time(spec["at"])
    times = [submitted - datetime.timedelta(minutes=4), submitted]
    for action, when, arg in spec["steps"]:
        if action == "accept":
            report = services.report_accept(report=report, actor=actor)
        elif action == "answer":
            report = services.report_answer(report=report, actor=actor, reply=arg)
        elif action == "convert":
            report = services.report_convert(report=report, actor=actor, note=arg)
        elif action == "transfer":
            report = services.report_transfer(report=report, actor=actor, note=arg)
        elif action == "reject":
            report = services.report_reject(report=report, actor=actor, reason=arg)
        elif action == "rate":
            # Each resident rates from their own phone: the per-IP counter is theirs, not the seed's.
            satisfaction, comment = arg
            report = services.report_rate(report=report, satisfaction=satisfaction, comment=comment,
                                          ip=f"demo-{report.receipt_no}")
        elif action == "expire":
            # The nightly job closes what was answered before the rating window: date the answer first.
            _redate(report, times)
            services.reports_close_unrated()
        else:
            raise ValueError(action)
        times.append(_time(when))
    _redate(report, times)
    return report


def seed(out) -> None:
    from accounts.models import User

    staff = User.objects.filter(username="staff").first()
    deputy_users = {"deputy": User.objects.filter(username="deputy").first(),
                    "leader": User.objects.filter(username="zuzhang").first()}
    if staff is None or deputy_users["deputy"] is None or deputy_users["deputy"].deputy_profile is None:
        out.write("群众来信: 没有演示代表账号,跳过")
        return
    codes = _codes(staff, deputy_users)
    if "deputy" not in codes:
        out.write("群众来信: 演示代表不在任,跳过")
        return
    existing = Report.objects.filter(code__in=codes.values())
    if existing.exists():
        out.write(f"群众来信: 已有演示数据 {existing.count()} 件,跳过")
        return
    made = []
    for spec in REPORTS:
        key = spec["code"] if spec["code"] in codes else "deputy"
        actor = deputy_users[key] if key in deputy_users else deputy_users["deputy"]  # on duty at the station
        made.append(_walk(spec, codes[key], actor))
    states = dict(Report.objects.filter(pk__in=[r.pk for r in made]).order_by().values("state")
                  .annotate(n=Count("id")).values_list("state", "n"))
    out.write(f"群众来信: {len(made)} 件(代表码 {sum(1 for k in codes if k != 'station')} 个、联络站码 "
              f"{1 if 'station' in codes else 0} 个);"
              + "、".join(f"{State(s).label} {states[s]}" for s in State.values if s in states))
