"""Demo activities: a year of group activities, trainings, the standing committee's research,
inspections and visits, and reception days for the demo roster.

Deputies are not all alike: a seeded draw makes about one in eight active (invited to most of the
standing committee's activities and nearly always there) and about one in thirty slack (absent from
their group's activities without leave; mostly among those who submitted the fewest items), so the
demo assessment has a believable spread of grades under the default rules (优秀 about one in eight,
a handful 基本称职/不称职).
"""

import datetime
import random

from django.db.models import Count
from django.utils import timezone

from areas.models import Area
from deputies.models import Deputy, DeputyHome
from groups.models import DeputyGroup
from petitions.models import Item

from .choices import ActivityKind, AttendanceStatus
from .models import Activity, Attendance, ReceptionProblem

GROUP_PLAN = [  # kind, title, month, day
    (ActivityKind.RESEARCH, "老旧小区改造调研视察", 3, 12),
    (ActivityKind.SUPERVISION, "城市管理工作督查", 4, 16),
    (ActivityKind.ORGAN_CONTACT, "走访固定联系国家机关", 5, 20),
    (ActivityKind.GROUP, "代表小组集中活动", 6, 8),
    (ActivityKind.REPORT, "向选民述职", 9, 18),
]
# Organised by the district standing committee (区人大常委会); who is invited depends on engagement.
DISTRICT_PLAN = [  # kind, title, month, day
    (ActivityKind.DOUBLE_CONTACT, "“双联”走访选民", 3, 20),
    (ActivityKind.RESEARCH, "城市更新工作专题调研", 4, 22),
    (ActivityKind.SUPERVISION, "《大气污染防治法》执法检查", 5, 27),
    (ActivityKind.ORGAN_CONTACT, "走访区人民法院、区人民检察院", 6, 17),
    (ActivityKind.DOUBLE_CONTACT, "“双联”走访困难群众", 6, 24),
    (ActivityKind.RESEARCH, "养老服务体系建设专题调研", 7, 15),
    (ActivityKind.TRAINING, "代表履职能力专题培训(第二期)", 8, 5),
    (ActivityKind.SUPERVISION, "民生实事项目推进情况督查", 8, 19),
    (ActivityKind.ORGAN_CONTACT, "走访区政府组成部门", 9, 9),
    (ActivityKind.RESEARCH, "优化营商环境专题调研", 10, 14),
]
SEED = 20230616
ACTIVE, ORDINARY, SLACK = "active", "ordinary", "slack"
PROBLEMS = ["小区路灯损坏,夜间出行不便", "菜市场周边占道经营严重", "老旧小区雨污管网堵塞", "学校门口上下学时段交通拥堵"]


def seed(out) -> None:
    if Activity.objects.exists():
        out.write("履职活动: 已存在,跳过")
        return
    year = timezone.localdate().year
    last_month = min(timezone.localdate().month, 12)
    rng = random.Random(SEED)
    in_office = list(Deputy.objects.in_office().order_by("id").values_list("pk", flat=True))
    # Slack deputies are mostly found among those who also submitted the fewest opinion items.
    submitted = dict(Item.objects.collected().filter(period__year=year).order_by().values_list("deputy_id")
                     .annotate(n=Count("pk")).values_list("deputy_id", "n"))
    fewest = set(sorted(in_office, key=lambda d: (submitted.get(d, 0), d))[:len(in_office) // 10])
    engagement = {d: _engagement(rng.random(), few_items=d in fewest) for d in in_office}
    attendance = []
    # Every group: five activities; most members attend, every seventh asks for leave, every 23rd is absent;
    # slack members miss them without leave.
    for g in DeputyGroup.objects.prefetch_related("memberships").order_by("id"):
        members = [m.deputy_id for m in g.memberships.all()]
        for n, (kind, title, month, day) in enumerate(GROUP_PLAN):
            if month > last_month:
                continue
            a = Activity.objects.create(kind=kind, title=f"{g.name}{title}", date=datetime.date(year, month, day),
                                        place=g.area.name if g.area_id else "相山区", organiser_group=g,
                                        summary=f"{g.name}组织开展{title}。")
            for i, d in enumerate(members):
                status = (AttendanceStatus.ABSENT if engagement.get(d) == SLACK or (i + n + g.pk) % 23 == 0 else
                          AttendanceStatus.LEAVE if (i + n) % 7 == 6 else AttendanceStatus.ATTENDED)
                attendance.append(Attendance(activity=a, deputy_id=d, status=status,
                                             note="工作冲突" if status == AttendanceStatus.LEAVE else ""))
    # A district-wide training.
    district = Area.objects.get(kind="district")
    training = Activity.objects.create(kind=ActivityKind.TRAINING, title="区人大代表履职能力培训班",
                                       date=datetime.date(year, 2, 26), place="区人大常委会会议室",
                                       organiser_area=district, summary="学习代表法,交流履职经验。")
    for i, d in enumerate(in_office):
        status = (AttendanceStatus.ABSENT if engagement[d] == SLACK else
                  AttendanceStatus.LEAVE if i % 9 == 8 else AttendanceStatus.ATTENDED)
        attendance.append(Attendance(activity=training, deputy_id=d, status=status))
    # The standing committee's own activities: active deputies are invited to most, others now and then.
    for kind, title, month, day in DISTRICT_PLAN:
        if month > last_month:
            continue
        a = Activity.objects.create(kind=kind, title=title, date=datetime.date(year, month, day),
                                    place="区人大常委会", organiser_area=district,
                                    summary=f"区人大常委会组织代表开展{title}。")
        for d in in_office:
            invited, attends = {ACTIVE: (0.85, 0.9), ORDINARY: (0.15, 0.8), SLACK: (0.3, 0.0)}[engagement[d]]
            if rng.random() >= invited:
                continue
            status = (AttendanceStatus.ATTENDED if rng.random() < attends else
                      AttendanceStatus.LEAVE if engagement[d] != SLACK else AttendanceStatus.ABSENT)
            attendance.append(Attendance(activity=a, deputy_id=d, status=status,
                                         note="工作冲突" if status == AttendanceStatus.LEAVE else ""))
    Attendance.objects.bulk_create(attendance, ignore_conflicts=True)
    # Reception days (5th of each month) at a deputy home of every town-level area.
    for area in Area.objects.towns().order_by("sort", "id"):
        home = DeputyHome.objects.filter(area__in=Area.objects.subtree(area)).first() or DeputyHome.objects.create(
            name=f"{area.name}人大代表之家", area=area, address=f"{area.name}便民服务中心")
        on_duty = list(Deputy.objects.filter(mandates__area__in=Area.objects.subtree(area)).distinct()
                       .order_by("id").values_list("pk", flat=True)[:24])
        if not on_duty:
            continue
        for month in range(1, last_month + 1):
            a = Activity.objects.create(kind=ActivityKind.RECEPTION, title=f"{area.name}{month}月接待选民日",
                                        date=datetime.date(year, month, 5), place=home.name, home=home,
                                        organiser_area=area, voters_received=6 + (month * 3 + area.pk) % 9)
            duty = [on_duty[(month * 2) % len(on_duty)], on_duty[(month * 2 + 1) % len(on_duty)]]
            Attendance.objects.bulk_create([Attendance(activity=a, deputy_id=d, status=AttendanceStatus.ATTENDED)
                                            for d in set(duty)])
            ReceptionProblem.objects.create(activity=a, deputy_id=duty[0], voter_name="居民",
                                            description=PROBLEMS[(month + area.pk) % len(PROBLEMS)],
                                            category="urban", solved_on_site=month % 3 == 0)
    out.write(f"履职活动: {Activity.objects.count()} 次,出席记录 {Attendance.objects.count()} 条")


def _engagement(draw: float, *, few_items: bool) -> str:
    """About one deputy in eight is active; about one in thirty is slack, nearly all of them among the
    tenth who submitted the fewest items; the rest are ordinary."""
    return ACTIVE if draw < 0.125 else SLACK if draw >= (0.7 if few_items else 0.995) else ORDINARY
