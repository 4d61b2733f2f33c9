"""Demo activities: a year of research, training and reception days for the demo roster."""

import datetime

from django.utils import timezone

from areas.models import Area
from deputies.models import Deputy, DeputyHome
from groups.models import DeputyGroup

from .choices import ActivityKind, AttendanceStatus
from .models import Activity, Attendance, ReceptionProblem


def seed(out) -> None:
    if Activity.objects.exists():
        out.write("履职活动: 已存在,跳过")
        return
    dongshan = Area.objects.get(name="东山街道")
    home = DeputyHome.objects.filter(area__in=Area.objects.subtree(dongshan)).first() or DeputyHome.objects.create(
        name="东山街道人大代表之家", area=dongshan, address="东山街道办事处二楼")
    group = DeputyGroup.objects.filter(area=dongshan).first()
    deputies = list(Deputy.objects.in_office().order_by("id")[:6])
    if not deputies:
        return
    year = timezone.localdate().year
    plan = [
        (ActivityKind.TRAINING, "初任代表履职培训", datetime.date(year, 2, 20), None),
        (ActivityKind.RESEARCH, "老旧小区改造调研视察", datetime.date(year, 3, 12), group),
        (ActivityKind.SUPERVISION, "城市管理工作督查", datetime.date(year, 4, 16), None),
        (ActivityKind.GROUP, "代表小组集中活动", datetime.date(year, 5, 8), group),
        (ActivityKind.REPORT, "向选民述职", datetime.date(year, 6, 18), group),
    ]
    for n, (kind, title, date, org_group) in enumerate(plan):
        activity = Activity.objects.create(kind=kind, title=title, date=date, place="东山街道",
                                           organiser_group=org_group, organiser_area=None if org_group else dongshan,
                                           summary=f"{title}情况记录。")
        for i, d in enumerate(deputies):
            status = AttendanceStatus.LEAVE if (i + n) % 5 == 4 else AttendanceStatus.ATTENDED
            Attendance.objects.create(activity=activity, deputy=d, status=status,
                                      note="工作冲突" if status == AttendanceStatus.LEAVE else "")
    for month in range(1, min(timezone.localdate().month, 6) + 1):
        day = datetime.date(year, month, 5)
        activity = Activity.objects.create(kind=ActivityKind.RECEPTION, title=f"{month}月接待选民日", date=day,
                                           place=home.name, home=home, organiser_area=dongshan,
                                           voters_received=8 + month)
        on_duty = deputies[month % len(deputies)]
        Attendance.objects.create(activity=activity, deputy=on_duty, status=AttendanceStatus.ATTENDED)
        ReceptionProblem.objects.create(activity=activity, deputy=on_duty, description="小区路灯损坏,夜间出行不便",
                                        voter_name="王大爷", solved_on_site=month % 2 == 0)
    out.write(f"履职活动: {Activity.objects.count()} 次")
