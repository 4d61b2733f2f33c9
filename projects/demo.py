"""Demo livelihood projects (民生实事项目票决, issue 12), walked through `projects.services`:

- 渠沟镇 2022, voted on paper at 渠沟镇第八届人民代表大会第二次会议 by the 73 town deputies: the article's
  two projects — 危桥改造 (3,000,000 元, seven bridges incl. 吕庄桥, completed and accepted) and 农村道路亮灯
  (3,500,000 元, 1,200 solar street lights) — and a third candidate that did not win a place;
- 东山街道 2026, an electronic vote of the 居民代表会议 in progress (the demo deputy and group leader vote).

Each 2022 project has a plan of milestones (节点计划), all done on time, a supervision group (监督小组) of
town deputies led by one with a login (qugou_daibiao), an inspection, one issue closed (已销号) and one open
(待整改); the unit answers through a demo account of 区交通运输局 / 区农业农村水利局 when it has none
(jiaotong / nongye). The 2026 sub-district vote is still open, so it has no projects and no plan yet.

Also an area staff account of 渠沟镇 (qugou), the presidium's staff. Idempotent: does nothing once the
2022 round exists. The 2022 timestamps are moved back to the session's dates after the walk."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from areas.models import Area
from units.models import HandlingUnit

from . import services
from .choices import Choice, ElectorateKind, VoteMethod
from .models import Electorate, ElectorateMember, ProgressReport, RoundEvent, VoteRound

TZ = ZoneInfo("Asia/Shanghai")
SESSION_2022 = "渠沟镇第八届人民代表大会第二次会议"
BRIDGES = "危桥改造"
LIGHTS = "农村道路亮灯"


def _electorates():
    qugou = Area.objects.get(name="渠沟镇")
    town = Electorate.objects.get_or_create(area=qugou, defaults={"kind": ElectorateKind.TOWN_CONGRESS,
                                                                  "name": "渠沟镇人民代表大会"})[0]
    for area in Area.objects.filter(kind="subdistrict").order_by("sort"):
        Electorate.objects.get_or_create(area=area, defaults={"kind": ElectorateKind.RESIDENTS_MEETING,
                                                              "name": f"{area.name}居民代表会议"})
    return town, Electorate.objects.get(area__name="东山街道")


def _presidium_staff(area) -> User:
    from accounts.demo import DEMO_PASSWORD
    from accounts.services import user_create

    user = User.objects.filter(username="qugou").first()
    return user or user_create(username="qugou", password=DEMO_PASSWORD, full_name="孙婷(渠沟镇人大主席团)",
                               roles=[Role.AREA_STAFF], area=area)


def seed(out) -> None:
    if VoteRound.objects.filter(year=2022, electorate__area__name="渠沟镇").exists():
        return
    town, dongshan = _electorates()
    qugou_staff = _presidium_staff(town.area)
    _seed_2022(town, qugou_staff)
    _seed_2026(dongshan)
    out.write(f"民生实事项目票决:渠沟镇 2022 年(已票决),东山街道 2026 年(投票中);主席团账号 qugou,"
              f"渠沟镇在任镇人大代表 {town.members().count()} 名")


def _seed_2022(town, staff) -> None:
    jt = HandlingUnit.objects.get(name="相山区交通运输局")
    ns = HandlingUnit.objects.get(name="相山区农业农村水利局")
    cg = HandlingUnit.objects.get(name="相山区城市管理局")
    rnd = services.round_create(actor=staff, electorate=town, year=2022, session_name=SESSION_2022, places=2,
                                method=VoteMethod.PAPER, ideas_from=datetime.date(2021, 11, 1),
                                ideas_until=datetime.date(2021, 12, 15))
    ideas = [services.idea_add(round=rnd, actor=staff, title=t, body=b, tags=tag) for t, b, tag in (
        ("吕庄村危桥影响通行", "吕庄桥年久失修,桥面开裂,群众出行和农机通行有安全隐患。", "交通"),
        ("农村道路夜间无照明", "镇村道路夜间没有路灯,群众夜间出行不便,存在安全隐患。", "照明"),
        ("村级文化广场设施老化", "部分村文化广场健身器材损坏,群众希望更新。", "文体"),
    )]
    bridges = services.candidate_add(round=rnd, actor=staff, ideas=[ideas[0]], data={
        "name": BRIDGES, "content": "改造或维修吕庄桥等 7 座危桥,消除群众出行安全隐患。", "location": "渠沟镇吕庄村等",
        "total_investment": Decimal("3000000"), "year_investment": Decimal("3000000"), "unit": jt,
        "starts_on": datetime.date(2022, 3, 1), "completes_on": datetime.date(2022, 10, 31)})
    lights = services.candidate_add(round=rnd, actor=staff, ideas=[ideas[1]], data={
        "name": LIGHTS, "content": "在镇村道路安装太阳能路灯 1200 盏,解决群众夜间出行难。", "location": "渠沟镇各行政村",
        "total_investment": Decimal("3500000"), "year_investment": Decimal("3500000"), "unit": ns,
        "starts_on": datetime.date(2022, 3, 15), "completes_on": datetime.date(2022, 9, 30)})
    squares = services.candidate_add(round=rnd, actor=staff, ideas=[ideas[2]], data={
        "name": "村级文化广场提升", "content": "更新 10 个村文化广场的健身器材和照明设施。", "location": "渠沟镇 10 个行政村",
        "total_investment": Decimal("800000"), "year_investment": Decimal("800000"), "unit": cg,
        "starts_on": datetime.date(2022, 4, 1), "completes_on": datetime.date(2022, 11, 30)})
    services.round_confirm_candidates(round=rnd, actor=staff)
    services.round_open(round=rnd, actor=staff)
    in_office = town.members().count()
    first = in_office // 2 + in_office % 2
    boxes = [("第1号票箱", first, first - 1, {bridges: (34, 1, 0), lights: (33, 1, 1), squares: (20, 9, 6)}),
             ("第2号票箱", in_office - first, in_office - first - 1,
              {bridges: (33, 1, 1), lights: (32, 2, 1), squares: (16, 12, 7)})]
    for name, issued, returned, counts in boxes:
        box = services.box_add(round=rnd, actor=staff, name=name, ballots_issued=issued, ballots_returned=returned)
        services.tally_enter(box=box, actor=staff, ballots_issued=issued, ballots_returned=returned,
                             counts={c.pk: v for c, v in counts.items()})
        services.box_sign_off(box=box, actor=staff, scrutineer="王建华" if name.startswith("第1") else "李秀英")
    services.round_close(round=rnd, actor=staff)
    RoundEvent.objects.filter(round=rnd).update(created_at=datetime.datetime(2022, 1, 11, 10, 0, tzinfo=TZ))
    VoteRound.objects.filter(pk=rnd.pk).update(opened_at=datetime.datetime(2022, 1, 11, 9, 30, tzinfo=TZ),
                                               closed_at=datetime.datetime(2022, 1, 11, 10, 30, tzinfo=TZ))
    _deliver(rnd, staff)


# The 2022 plans (节点计划): every milestone done, as both projects were completed and accepted.
MILESTONES = {
    BRIDGES: [("完成设计和施工招标", datetime.date(2022, 3, 31), datetime.date(2022, 3, 28)),
              ("吕庄桥等 3 座危桥拆除重建", datetime.date(2022, 5, 31), datetime.date(2022, 5, 26)),
              ("7 座危桥主体完工", datetime.date(2022, 9, 30), datetime.date(2022, 9, 27)),
              ("全部恢复通行", datetime.date(2022, 10, 31), datetime.date(2022, 10, 20))],
    LIGHTS: [("完成路灯采购招标", datetime.date(2022, 4, 15), datetime.date(2022, 4, 12)),
             ("安装太阳能路灯 600 盏", datetime.date(2022, 6, 30), datetime.date(2022, 6, 24)),
             ("1200 盏路灯全部亮灯", datetime.date(2022, 9, 30), datetime.date(2022, 9, 20))],
}


def _deliver(rnd, staff) -> None:
    plans = {
        BRIDGES: [(datetime.date(2022, 4, 30), 20, "1500000", "吕庄桥等 3 座危桥完成拆除,基础施工中。"),
                  (datetime.date(2022, 7, 31), 70, "2300000", "7 座危桥中 5 座主体完工。"),
                  (datetime.date(2022, 10, 20), 100, "3000000", "7 座危桥全部改造或维修完成,恢复通行。")],
        LIGHTS: [(datetime.date(2022, 5, 31), 40, "1400000", "已安装太阳能路灯 480 盏。"),
                 (datetime.date(2022, 9, 20), 100, "3500000", "1200 盏太阳能路灯全部安装亮灯。")],
    }
    for candidate in rnd.candidates.filter(outcome="won").select_related("project"):
        project = candidate.project
        unit_user = User.objects.filter(unit=candidate.unit, is_active=True).first() or staff
        for sort, (name, planned, done) in enumerate(MILESTONES[candidate.name], start=1):
            m = services.milestone_add(project=project, actor=unit_user, name=name, planned_on=planned, sort=sort)
            services.milestone_done(milestone=m, actor=unit_user, done_on=done)
        for day, percent, spent, text in plans[candidate.name]:
            services.project_report(project=project, actor=staff if unit_user is staff else unit_user,
                                    percent=percent, text=text, reported_on=day, spent=Decimal(spent))
        last = plans[candidate.name][-1][0]
        services.project_complete(project=project, actor=staff, completed_on=last)
        services.project_accept(project=project, actor=staff, accepted_on=last + datetime.timedelta(days=25),
                                comment="经镇人大主席团组织代表视察验收,工程质量合格。")
        ProgressReport.objects.filter(project=project).update(
            created_at=datetime.datetime(last.year, last.month, last.day, 9, tzinfo=TZ))
        _supervise(project, staff, last)


def _login_for(username: str, full_name: str, **fields) -> User:
    from accounts.demo import DEMO_PASSWORD
    from accounts.services import user_create

    return User.objects.filter(username=username).first() or user_create(
        username=username, password=DEMO_PASSWORD, full_name=full_name, **fields)


def _supervise(project, staff, last) -> None:
    """The project's supervision group, an inspection, a closed issue and an open one."""
    from .models import Inspection, Issue, IssueEvent

    town = project.candidate.round.electorate
    deputies = list(town.members().order_by("pk")[:4])
    leader = deputies[0]
    if leader.user_id is None:
        leader.user = _login_for("qugou_daibiao", f"{leader.name}(渠沟镇人大代表)", roles=[Role.DEPUTY])
        leader.save(update_fields=["user"])
    supervisor = User.objects.get(pk=leader.user_id)
    unit = project.candidate.unit
    unit_user = User.objects.filter(unit=unit, is_active=True).first() or _login_for(
        "jiaotong" if "交通" in unit.name else "nongye", f"{unit.short_name or unit.name}(责任单位)",
        roles=[Role.UNIT], unit=unit)
    services.supervision_set(project=project, actor=staff, leader=leader, members=deputies[1:])
    name = project.candidate.name
    on = last - datetime.timedelta(days=40)
    services.inspection_record(project=project, actor=supervisor, inspected_on=on,
                               place="吕庄桥施工现场" if name == BRIDGES else "渠沟镇主干道",
                               findings="工程按计划推进;部分路段警示标志不足。")
    today = timezone.localdate()
    closed = services.issue_raise(project=project, actor=supervisor, description="施工路段警示标志不足,夜间存在安全隐患。",
                                  owner=unit.name, due_on=today)
    services.issue_report_fixed(issue=closed, actor=unit_user, note="已增设警示标志和夜间警示灯。")
    services.issue_confirm(issue=closed, actor=supervisor, note="现场核实,同意销号。")
    services.issue_raise(project=project, actor=supervisor,
                         description="桥头引道排水不畅,雨后积水。" if name == BRIDGES else "部分路灯电池续航不足,凌晨熄灭。",
                         owner=unit.name, due_on=today + datetime.timedelta(days=30))
    # Back to the delivery year (the services stamp today); the open issue keeps its coming due date.
    Inspection.objects.filter(project=project).update(created_at=datetime.datetime(on.year, on.month, on.day, 16, tzinfo=TZ))
    Issue.objects.filter(pk=closed.pk).update(due_on=on + datetime.timedelta(days=15),
                                              closed_on=on + datetime.timedelta(days=12))
    IssueEvent.objects.filter(issue=closed).update(created_at=datetime.datetime(on.year, on.month, on.day, 17, tzinfo=TZ))


def _seed_2026(dongshan) -> None:
    from deputies.choices import MandateStatus
    from deputies.models import Deputy

    staff = User.objects.filter(username="dongshan").first()
    if staff is None:
        return
    # The meeting's members here: the deputies (any level) in office who were elected in 东山街道.
    members = Deputy.objects.filter(mandates__area__in=Area.objects.subtree(dongshan.area),
                                    mandates__status=MandateStatus.IN_OFFICE).distinct()
    ElectorateMember.objects.bulk_create([ElectorateMember(electorate=dongshan, deputy=d) for d in members],
                                         ignore_conflicts=True)
    zj = HandlingUnit.objects.get(name="相山区住房和城乡建设局")
    cg = HandlingUnit.objects.get(name="相山区城市管理局")
    rnd = services.round_create(actor=staff, electorate=dongshan, year=2026, session_name="东山街道2026年居民代表会议",
                                places=2, method=VoteMethod.ELECTRONIC, ideas_from=datetime.date(2025, 11, 1),
                                ideas_until=datetime.date(2025, 12, 31))
    from petitions.models import Item

    item = Item.objects.filter(area=dongshan.area).order_by("id").first()
    for title, linked in (("周庄社区老旧小区加装电梯", item), ("背街小巷路灯照明提升", None), ("社区嵌入式养老服务站", None)):
        services.idea_add(round=rnd, actor=staff, title=title, item=linked)
    today = datetime.date(2026, 3, 1)
    for name, content, location, total, unit in (
            ("周庄社区老旧小区改造", "改造周庄社区 6 个老旧小区的雨污管网、道路和照明。", "东山街道周庄社区", "4200000", zj),
            ("背街小巷亮化工程", "为 15 条背街小巷安装路灯 300 盏。", "东山街道辖区", "900000", cg),
            ("社区嵌入式养老服务站", "新建 2 个社区养老服务站,提供助餐、日间照料。", "东山街道", "1600000", zj)):
        services.candidate_add(round=rnd, actor=staff, data={
            "name": name, "content": content, "location": location, "total_investment": Decimal(total),
            "year_investment": Decimal(total), "unit": unit, "starts_on": today,
            "completes_on": datetime.date(2026, 11, 30)})
    services.round_confirm_candidates(round=rnd, actor=staff)
    services.round_open(round=rnd, actor=staff)
    # One vote already in (the group leader's if he sits in 东山, else the demo deputy's, who may change it).
    for username in ("zuzhang", "deputy"):
        voter = User.objects.filter(username=username).first()
        if voter is not None and dongshan.has_member(voter.deputy_profile):
            services.ballot_cast(round=rnd, actor=voter, choices={c.pk: Choice.YES for c in rnd.candidates.all()})
            break
