"""Demo activities: a year of group activities, trainings and reception days for the demo roster."""

import datetime

from django.utils import timezone

from areas.models import Area
from deputies.models import Deputy, DeputyHome
from groups.models import DeputyGroup

from .choices import ActivityKind, AttendanceStatus
from .models import Activity, Attendance, ReceptionProblem

GROUP_PLAN = [  # kind, title, month, day
    (ActivityKind.RESEARCH, "老旧小区改造调研视察", 3, 12),
    (ActivityKind.SUPERVISION, "城市管理工作督查", 4, 16),
    (ActivityKind.ORGAN_CONTACT, "走访固定联系国家机关", 5, 20),
    (ActivityKind.GROUP, "代表小组集中活动", 6, 8),
    (ActivityKind.REPORT, "向选民述职", 9, 18),
]
PROBLEMS = ["小区路灯损坏,夜间出行不便", "菜市场周边占道经营严重", "老旧小区雨污管网堵塞", "学校门口上下学时段交通拥堵"]


def seed(out) -> None:
    if Activity.objects.exists():
        out.write("履职活动: 已存在,跳过")
        return
    year = timezone.localdate().year
    last_month = min(timezone.localdate().month, 12)
    attendance = []
    # Every group: five activities; most members attend, every seventh asks for leave, every 23rd is absent.
    for g in DeputyGroup.objects.prefetch_related("memberships").order_by("id"):
        members = [m.deputy_id for m in g.memberships.all()]
        for n, (kind, title, month, day) in enumerate(GROUP_PLAN):
            if month > last_month:
                continue
            a = Activity.objects.create(kind=kind, title=f"{g.name}{title}", date=datetime.date(year, month, day),
                                        place=g.area.name if g.area_id else "相山区", organiser_group=g,
                                        summary=f"{g.name}组织开展{title}。")
            for i, d in enumerate(members):
                status = (AttendanceStatus.ABSENT if (i + n + g.pk) % 23 == 0 else
                          AttendanceStatus.LEAVE if (i + n) % 7 == 6 else AttendanceStatus.ATTENDED)
                attendance.append(Attendance(activity=a, deputy_id=d, status=status,
                                             note="工作冲突" if status == AttendanceStatus.LEAVE else ""))
    # A district-wide training.
    district = Area.objects.get(kind="district")
    training = Activity.objects.create(kind=ActivityKind.TRAINING, title="区人大代表履职能力培训班",
                                       date=datetime.date(year, 2, 26), place="区人大常委会会议室",
                                       organiser_area=district, summary="学习代表法,交流履职经验。")
    for i, d in enumerate(Deputy.objects.in_office().order_by("id").values_list("pk", flat=True)):
        attendance.append(Attendance(activity=training, deputy_id=d,
                                     status=AttendanceStatus.LEAVE if i % 9 == 8 else AttendanceStatus.ATTENDED))
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
