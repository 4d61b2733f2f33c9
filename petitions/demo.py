"""Demo opinion items: 13 months for every in-office deputy, through ~40 handling units.

Built with bulk_create for speed (thousands of items), NOT through workflow.py. Each item is
simulated along the same path the workflow walks (submit → start research → assign → progress →
result → pass on → evaluate / deemed, with direct answers, refusals, returns, withdrawals, merges,
extensions, a second round after 不满意 and supervision), writing the same state, dates, Assignment
rows and ItemEvent rows the workflow functions would write; "now" cuts each path, which leaves the
recent items in every open state. Three units are slow (late and overdue). No notifications are
created for the past. Idempotent: does nothing once demo items (imported=True) exist.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from core.loops import due_in_days, due_in_workdays
from deputies.choices import MandateStatus
from deputies.models import Mandate
from units.models import HandlingUnit

from .choices import Action, Category, Conclusion, Satisfaction, Source, State, UnitRole
from .models import Assignment, HandlingRequest, Item, ItemEvent, ItemSettings

SEED = 20230615
MONTHS = 13
SLOW_UNITS = ("相山区城市更新服务中心", "相山区房屋征收服务中心", "淮北华润燃气有限公司")

TOPICS = {
    Category.URBAN: [("{c}小区路灯损坏", "小区主干道多盏路灯损坏,夜间出行不便,存在安全隐患。"),
                     ("{c}老旧小区雨污管网改造", "雨天污水倒灌,居民反映强烈,建议纳入老旧小区改造计划。"),
                     ("{c}背街小巷路面破损", "路面坑洼积水,电动车通行困难。"),
                     ("{c}加装电梯协调难", "多栋楼居民有加装电梯需求,低层住户意见不一,需要协调。")],
    Category.ECOLOGY: [("{c}附近河道异味", "河道夏季有明显异味,建议清淤并排查排污口。"),
                       ("{c}餐饮油烟扰民", "沿街餐饮店油烟直排,影响楼上住户。"),
                       ("{c}建筑工地夜间施工噪声", "工地夜间施工,噪声超标,影响休息。")],
    Category.LIVELIHOOD: [("{c}社区养老服务站运营", "养老服务站开放时间短,老人就餐不便。"),
                          ("{c}学校周边交通拥堵", "上下学时段接送车辆拥堵,存在安全隐患。"),
                          ("{c}医保异地报销咨询", "外出务工人员反映异地就医报销手续繁琐。"),
                          ("{c}灵活就业人员社保补贴", "希望明确灵活就业人员社保补贴申领流程。")],
    Category.GOVERNANCE: [("{c}电动车飞线充电", "楼道飞线充电现象普遍,建议增设集中充电桩。"),
                          ("{c}小区物业管理纠纷", "物业服务不到位,业主委员会与物业矛盾突出。"),
                          ("{c}流动摊贩占道经营", "早晚市占道经营,影响交通和环境卫生。")],
    Category.ECONOMY: [("{c}小微企业融资难", "辖区小微企业反映贷款门槛高,希望搭建银企对接平台。"),
                       ("{c}菜市场改造提升", "农贸市场设施陈旧,建议改造提升。")],
    Category.OTHER: [("{c}公共文化设施开放", "社区文化活动室开放时间不固定,群众使用不便。")],
}
UNITS_FOR = {
    Category.URBAN: ["相山区住房和城乡建设局", "相山区城市管理局", "相山区城市更新服务中心", "相山区房屋征收服务中心",
                     "国网淮北供电公司相山供电中心", "淮北市自来水有限责任公司", "相山区交通运输局",
                     "相山区重点工程建设管理中心"],
    Category.ECOLOGY: ["淮北市相山区生态环境分局", "相山区城市管理局", "相山区林业发展中心", "相山区农业农村水利局"],
    Category.LIVELIHOOD: ["相山区民政局", "相山区教育体育局", "相山区卫生健康委员会", "相山区医疗保障局",
                          "相山区人力资源和社会保障局", "相山区退役军人事务局", "相山区残疾人联合会", "淮北华润燃气有限公司"],
    Category.GOVERNANCE: ["淮北市公安局相山分局", "相山区司法局", "相山区信访局", "相山区应急管理局", "相山区消防救援大队",
                          "相山区住房和城乡建设局"],
    Category.ECONOMY: ["相山区发展和改革委员会", "相山区经济和信息化局", "相山区商务局", "相山区市场监督管理局",
                       "相山区财政局", "相山区数据资源管理局", "国家税务总局淮北市相山区税务局", "相山区政务服务管理局"],
    Category.OTHER: ["相山区文化旅游体育局", "相山区妇女联合会", "相山区总工会", "共青团相山区委员会", "相山区乡村振兴局",
                     "相山区审计局", "相山区统计局", "相山区商务局"],
}
REPLIES = ["经现场核查,已安排专人整改完毕,并建立长效管护机制。", "已纳入年度改造计划,预计下季度完工,届时向代表报告。",
           "已会同街道、社区召开协调会,问题已解决。", "已立案调查并依法处理,后续将加强日常巡查。"]


def _at(day: datetime.date, rng, hour_from=9, hour_to=17) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(rng.randint(hour_from, hour_to), rng.randint(0, 59)), tz)


class _Sim:
    """One item walking the loop; stops when the next step would be after now."""

    def __init__(self, item, now, rng, staff, units, unit_users, deputy_user):
        self.item, self.now, self.rng = item, now, rng
        self.staff, self.units, self.unit_users, self.deputy_user = staff, units, unit_users, deputy_user
        self.events, self.assignments, self.requests = [], [], []

    def ev(self, action, at, to_state, *, actor=None, unit=None, comment="", data=None):
        self.events.append(ItemEvent(item=self.item, action=action, actor=actor, actor_unit=unit,
                                     from_state=self.item.state, to_state=to_state, comment=comment,
                                     data=data or {}, created_at=at))
        self.item.state = to_state

    def later(self, at, workdays=0, days=0):
        day = timezone.localtime(at).date()
        day = due_in_workdays(day, workdays) if workdays else day + datetime.timedelta(days=days)
        result = _at(day, self.rng)
        # A step on the same day draws its hour at random: never before the step it follows, or the
        # timeline (ordered by time) would list it first and break the chain of TRANSITIONS.
        return result if result > at else at + datetime.timedelta(minutes=30)

    def run(self, cfg):
        item, rng = self.item, self.rng
        creator = self.deputy_user or self.staff
        created = item.submitted_at - datetime.timedelta(minutes=rng.randint(3, 90))
        self.events.append(ItemEvent(item=item, action=Action.CREATE, actor=creator, from_state="",
                                     to_state=State.DRAFT, created_at=created,
                                     comment="" if self.deputy_user else f"工作人员 {self.staff} 代代表录入"))
        item.state = State.DRAFT
        if rng.random() < 0.01:
            item.submitted_at = None  # a draft kept
            return
        t = item.submitted_at
        item.stage_due = due_in_workdays(timezone.localtime(t).date(), cfg.research_workdays)
        self.ev(Action.SUBMIT, t, State.SUBMITTED, actor=creator, data={"stage_due": item.stage_due.isoformat()})
        if rng.random() < 0.01:
            self.ev(Action.WITHDRAW, self.later(t, days=1), State.WITHDRAWN, actor=creator, comment="已自行协调解决")
            item.stage_due = None
            return
        t = self.later(t, workdays=rng.choice([0, 1, 1, 2]))
        if t > self.now:
            return
        self.ev(Action.START_RESEARCH, t, State.RESEARCH, actor=self.staff)
        fate = rng.random()
        recent = (self.now - t).days < 45  # older returned items were completed and resubmitted long ago
        if fate < 0.015 and recent:
            t = self.later(t, workdays=1)
            if t <= self.now:
                self.ev(Action.RETURN_FOR_DETAIL, t, State.RETURNED, actor=self.staff, comment="请补充具体地点和涉及户数。")
                item.stage_due = None
            return
        if fate < 0.03:
            return "merge"
        if fate < 0.05:
            t = self.later(t, workdays=1)
            if t <= self.now:
                item.reply, item.replied_at = "经研究,该事项不属于本级人大及政府职权范围,已向代表说明。", t
                self.ev(Action.REJECT, t, State.CLOSED, actor=self.staff, comment=item.reply)
                item.concluded_at, item.conclusion, item.stage_due = t, Conclusion.REJECTED, None
            return
        if fate < 0.10:
            t = self.later(t, workdays=rng.randint(1, 3))
            if t > self.now:
                return
            item.reply = "相关政策已明确,已向代表当面解释说明。"
            self._to_evaluation(t, Action.ANSWER_DIRECTLY, cfg)
            self._evaluate(t, cfg, allow_reopen=False)
            return
        t = self.later(t, workdays=rng.randint(1, 4))
        if t > self.now:
            return
        self._handle(t, cfg, round_no=1)

    def _handle(self, t, cfg, round_no, lead=None, co=None):
        item, rng = self.item, self.rng
        if lead is None:
            names = UNITS_FOR.get(item.category) or UNITS_FOR[Category.OTHER]
            lead = self.units[rng.choice(names)]
            co = [self.units[rng.choice(names)]] if rng.random() < 0.2 else []
            co = [u for u in co if u.pk != lead.pk]
        due = due_in_workdays(timezone.localtime(t).date(), cfg.handling_workdays)
        item.lead_unit, item.stage_due, item.handling_round = lead, due, round_no
        for a in self.assignments:
            a.is_current = False
        rows = [Assignment(item=item, unit=lead, role=UnitRole.LEAD, round=round_no, assigned_at=t,
                           assigned_by=self.staff, due_date=due)]
        rows += [Assignment(item=item, unit=u, role=UnitRole.CO, round=round_no, assigned_at=t,
                            assigned_by=self.staff, due_date=due) for u in co]
        self.assignments += rows
        self.ev(Action.ASSIGN, t, State.HANDLING, actor=self.staff, data={
            "lead": lead.pk, "lead_name": lead.name, "co": [u.pk for u in co], "co_names": [u.name for u in co],
            "due_date": due.isoformat(), "round": round_no})
        slow = lead.name in SLOW_UNITS
        took = rng.randint(14, 40) if slow else max(2, int(rng.gauss(9, 3.5)))
        lead_row = rows[0]
        if rng.random() < 0.06 or (slow and rng.random() < 0.3):
            ask = self.later(t, workdays=min(took, cfg.handling_workdays) - 1 if took > 2 else 1)
            if ask <= self.now:
                days = rng.choice([5, 10, 15])
                request = HandlingRequest(item=item, assignment=lead_row, kind="extension", reason="涉及多部门协调,需延期办理。",
                                          days=days, requested_at=ask, status="pending")
                self.requests.append(request)
                self.ev(Action.REQUEST_EXTENSION, ask, State.HANDLING, actor=self.unit_users.get(lead.pk),
                        unit=lead, comment=request.reason, data={"days": days})
                decide = self.later(ask, workdays=1)
                if decide <= self.now:
                    request.status, request.decided_by, request.decided_at = "approved", self.staff, decide
                    lead_row.due_date = due_in_workdays(lead_row.due_date, days)
                    lead_row.extension_days = days
                    item.stage_due = lead_row.due_date
                    self.ev(Action.DECIDE_EXTENSION, decide, State.HANDLING, actor=self.staff,
                            data={"approved": True, "days": days, "due_date": lead_row.due_date.isoformat()})
        progress = self.later(t, workdays=max(1, took // 2))
        if progress <= self.now and rng.random() < 0.5:
            self.ev(Action.PROGRESS, progress, State.HANDLING, actor=self.unit_users.get(lead.pk), unit=lead,
                    comment="已赴现场调查,正在制定整改方案。")
        for row in rows[1:]:
            part = self.later(t, workdays=max(1, took - 2))
            if part <= self.now:
                row.handled_at, row.result = part, "协办意见:我单位将配合主办单位做好相关工作。"
                self.ev(Action.SUBMIT_PART, part, State.HANDLING, actor=self.unit_users.get(row.unit_id),
                        unit=row.unit, comment=row.result)
        done = self.later(t, workdays=took)
        latest = max(e.created_at for e in self.events)
        if done <= latest:  # a decision or progress note on the same day came later in the day
            done = latest + datetime.timedelta(minutes=30)
        if done > self.now:
            return
        lead_row.handled_at, lead_row.result = done, rng.choice(REPLIES)
        item.reply, item.replied_at, item.stage_due = lead_row.result, done, None
        self.ev(Action.SUBMIT_RESULT, done, State.REVIEW, actor=self.unit_users.get(lead.pk), unit=lead,
                comment=lead_row.result, data={"on_time": timezone.localtime(done).date() <= lead_row.due_date})
        t = self.later(done, workdays=rng.choice([0, 1, 1, 2]))
        if t > self.now:
            return
        self._to_evaluation(t, Action.PASS_ON, cfg)
        self._evaluate(t, cfg, allow_reopen=True, lead=lead, co=rows[1:])

    def _to_evaluation(self, t, action, cfg):
        item = self.item
        item.replied_at = item.replied_at or t
        item.evaluation_due = due_in_days(timezone.localtime(t).date(), cfg.evaluation_days)
        item.stage_due = None
        self.ev(action, t, State.EVALUATION, actor=self.staff,
                comment=item.reply if action == Action.ANSWER_DIRECTLY else "",
                data={"evaluation_due": item.evaluation_due.isoformat()})

    def _evaluate(self, t, cfg, *, allow_reopen, lead=None, co=()):
        item, rng = self.item, self.rng
        wait = rng.choice([0, 1, 1, 2, 2, 3, 5, 6, 9])
        at = self.later(t, days=wait)
        if wait > cfg.evaluation_days:
            deemed = _at(item.evaluation_due + datetime.timedelta(days=1), rng, 2, 3)
            if deemed > self.now:
                return
            item.satisfaction, item.satisfaction_deemed, item.evaluated_at = Satisfaction.SATISFIED, True, deemed
            item.concluded_at, item.conclusion, item.evaluation_due = deemed, Conclusion.DEEMED, item.evaluation_due
            self.ev(Action.DEEM_SATISFIED, deemed, State.CLOSED,
                    comment=f"评价期限({item.evaluation_due.isoformat()})已过,视为满意并自动办结。")
            return
        if at > self.now:
            return
        roll = rng.random()
        sat = (Satisfaction.SATISFIED if roll < 0.8 else Satisfaction.BASIC if roll < 0.96
               else Satisfaction.DISSATISFIED)
        if lead is not None and lead.name in SLOW_UNITS and rng.random() < 0.25:
            sat = Satisfaction.DISSATISFIED
        item.satisfaction, item.evaluated_at, item.evaluation_due = sat, at, None
        actor = self.deputy_user
        if sat != Satisfaction.DISSATISFIED:
            item.evaluation_comment = "" if rng.random() < 0.7 else "办理认真,群众满意。"
            item.concluded_at, item.conclusion = at, Conclusion.EVALUATED
            self.ev(Action.EVALUATE, at, State.CLOSED, actor=actor, comment=item.evaluation_comment,
                    data={"satisfaction": sat})
            return
        item.evaluation_comment = "问题没有根本解决,群众仍有意见。"
        item.dissatisfied_count += 1
        if item.dissatisfied_count >= 2:
            item.supervised = True
            self.ev(Action.EVALUATE, at, State.SUPERVISION, actor=actor, comment=item.evaluation_comment,
                    data={"satisfaction": sat})
            close = self.later(at, workdays=rng.randint(2, 30))
            if close <= self.now:
                item.concluded_at, item.conclusion = close, Conclusion.SUPERVISED
                self.ev(Action.CLOSE_SUPERVISED, close, State.CLOSED, actor=self.staff, comment="列入督办,限期整改并通报。")
            return
        if not allow_reopen:
            self.ev(Action.EVALUATE, at, State.RESEARCH, actor=actor, comment=item.evaluation_comment,
                    data={"satisfaction": sat})
            item.stage_due = due_in_workdays(timezone.localtime(at).date(), cfg.research_workdays)
            return
        # 不满意 → 重新办理: one EVALUATE row (待评价 → 办理中), then a new round with the same units.
        due = due_in_workdays(timezone.localtime(at).date(), cfg.handling_workdays)
        self.ev(Action.EVALUATE, at, State.HANDLING, actor=actor, comment=item.evaluation_comment,
                data={"satisfaction": sat, "due_date": due.isoformat(), "round": 2})
        self._reopen(at, cfg, lead, [r.unit for r in co])

    def _reopen(self, at, cfg, lead, co):
        # The second round reuses the units (as item_evaluate does) through the same handling path, minus
        # the ASSIGN event the workflow does not write on a reopen.
        before = len(self.events)
        self._handle(at, cfg, round_no=2, lead=lead, co=co)
        assign = next(i for i in range(before, len(self.events)) if self.events[i].action == Action.ASSIGN)
        del self.events[assign]


def seed(out) -> None:
    if Item.objects.filter(imported=True).exists():
        out.write(f"社情民意: 已有演示数据 {Item.objects.filter(imported=True).count()} 条,跳过")
        return
    rng = random.Random(SEED)
    cfg = ItemSettings.load()
    now = timezone.now()
    today = timezone.localdate()
    units = {u.name: u for u in HandlingUnit.objects.all()}
    for names in UNITS_FOR.values():
        for name in names:
            if name not in units:
                units[name] = HandlingUnit.objects.get_or_create(name=name)[0]
    unit_users = {}
    for user in User.objects.filter(groups__name=Role.UNIT, unit__isnull=False):
        unit_users.setdefault(user.unit_id, user)
    area_staff = {u.area_id: u for u in User.objects.filter(groups__name=Role.AREA_STAFF, area__isnull=False)}
    district_staff = User.objects.filter(groups__name=Role.DISTRICT_STAFF).first() or User.objects.filter(
        is_superuser=True).first()
    mandates = (Mandate.objects.filter(status=MandateStatus.IN_OFFICE).select_related("area__parent", "deputy__user")
                .order_by("deputy_id", "term__level"))
    people = {}
    for m in mandates:
        people.setdefault(m.deputy_id, m)
    if not people or district_staff is None:
        out.write("社情民意: 没有在任代表或工作人员,跳过")
        return
    months = [today.replace(day=1)]
    for _ in range(MONTHS - 1):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))

    sims, merges = [], []
    for mandate in people.values():
        town = mandate.area.town() or mandate.area
        community = mandate.area if mandate.area_id != town.pk else None
        deputy = mandate.deputy
        for month in months:
            last_day = today.day if month == months[0] else 28
            n = 0 if rng.random() < 0.06 else (2 if rng.random() < 0.12 else 1)
            for _ in range(n):
                category = rng.choice(list(TOPICS))
                title, content = rng.choice(TOPICS[category])
                place = community.name if community else town.name
                day = month.replace(day=rng.randint(1, max(1, last_day)))
                submitted = _at(day, rng, 8, 20)
                if submitted > now:
                    submitted = now - datetime.timedelta(minutes=rng.randint(5, 600))
                staff = area_staff.get(town.pk) or district_staff
                on_behalf = deputy.user_id is None
                item = Item(title=title.format(c=place), content=content, category=category, area=town,
                            community=community, address=f"{place}{rng.randint(1, 40)}号楼附近",
                            source=rng.choice(Source.values), deputy=deputy,
                            entered_by=deputy.user if not on_behalf else staff, on_behalf=on_behalf, period=month,
                            submitted_at=submitted, imported=True)
                sim = _Sim(item, now, rng, staff, units, unit_users, deputy.user)
                if sim.run(cfg) == "merge":
                    merges.append(sim)
                sims.append(sim)

    items = [s.item for s in sims]
    Item.objects.bulk_create(items, batch_size=1000)
    # Merges need the target's id: a duplicate goes into an earlier item of the same area.
    by_area = defaultdict(list)
    for s in sims:
        if s.item.state not in (State.DRAFT, State.WITHDRAWN, State.RETURNED) and s not in merges:
            by_area[s.item.area_id].append(s.item)
    merged_in = []
    sim_of = {id(s.item): s for s in sims}
    for s in merges:
        targets = [t for t in by_area[s.item.area_id] if t.submitted_at and t.submitted_at < s.item.submitted_at]
        if not targets:
            continue
        target = targets[-1]
        at = s.later(s.events[-1].created_at, workdays=1)
        if at > now:
            continue
        s.item.merged_into, s.item.stage_due = target, None
        s.ev(Action.MERGE, at, State.MERGED, actor=s.staff, data={"into": target.pk, "into_number": target.number})
        # The target's state then, not now: its own timeline may have moved on since the merge.
        then = [e.to_state for e in sim_of[id(target)].events if e.created_at <= at][-1]
        merged_in.append(ItemEvent(item=target, action=Action.MERGED_IN, actor=s.staff, from_state=then,
                                   to_state=then, created_at=at,
                                   data={"from": s.item.pk, "from_number": s.item.number}))
    Item.objects.bulk_update([s.item for s in merges], ["state", "merged_into", "stage_due"], batch_size=1000)

    for s in sims:
        for e in s.events:
            e.item_id = s.item.pk
        for a in s.assignments:
            a.item_id = s.item.pk
    Assignment.objects.bulk_create([a for s in sims for a in s.assignments], batch_size=2000)
    for s in sims:
        for r in s.requests:
            r.item_id, r.assignment_id = s.item.pk, r.assignment.pk
    for s in sims:
        for r in s.requests:
            if r.status == "pending" and s.item.state != State.HANDLING:
                r.status, r.decided_at = "void", r.requested_at  # the workflow voids them when handling ends
    HandlingRequest.objects.bulk_create([r for s in sims for r in s.requests], batch_size=2000)
    ItemEvent.objects.bulk_create([e for s in sims for e in s.events] + merged_in, batch_size=5000)

    collected = Item.objects.filter(imported=True).collected()
    total, closed = collected.count(), collected.concluded().count()
    rate = closed / total * 100 if total else 0
    states = dict(Item.objects.filter(imported=True).values_list("state").annotate(n=models_count())
                  .values_list("state", "n"))
    out.write(f"社情民意: {len(items)} 条(收集 {total},办结 {closed},办结率 {rate:.1f}%);"
              + "、".join(f"{State(s).label} {n}" for s, n in sorted(states.items())))


def models_count():
    from django.db.models import Count

    return Count("id")

