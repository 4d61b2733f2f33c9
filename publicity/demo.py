"""Demo publicity records: a dozen pieces of this year and last across the four levels, some taken
(被采用), one prize-winning, recorded by the demo district and 东山街道 staff. Idempotent by title."""

import datetime

from django.utils import timezone

from .choices import Level

# title, medium, level, adopted, award, days ago, author kind (deputy / group / staff)
PIECES = [
    ("关于相山区推进老旧小区改造的报道", "人民日报", Level.NATIONAL, True, "", 40, "deputy"),
    ("关于人大代表“家站点”建设的经验做法", "中国人大网", Level.NATIONAL, True, "全国人大新闻奖优秀奖", 75, "group"),
    ("关于代表联系群众“双联”工作的报道", "安徽日报", Level.PROVINCIAL, True, "", 20, "deputy"),
    ("关于背街小巷整治代表督查的报道", "安徽人大网", Level.PROVINCIAL, True, "全省人大新闻奖三等奖", 110, "deputy"),
    ("关于社情民意办理“回头看”的报道", "江淮时报", Level.PROVINCIAL, False, "", 60, "staff"),
    ("关于代表小组集中活动日的报道", "淮北日报", Level.CITY, True, "", 15, "group"),
    ("关于接待选民日工作的报道", "淮北人大网", Level.CITY, True, "", 95, "deputy"),
    ("关于养老服务体系建设调研的报道", "淮北广播电视台", Level.CITY, False, "", 130, "staff"),
    ("关于民生实事项目票决的报道", "淮北日报", Level.CITY, True, "", 400, "staff"),
    ("关于代表向选民述职的报道", "相山区融媒体中心", Level.DISTRICT, True, "", 10, "deputy"),
    ("关于街道人大工委工作的报道", "相山发布", Level.DISTRICT, False, "", 50, "group"),
    ("关于代表履职培训的报道", "相山区融媒体中心", Level.DISTRICT, True, "", 380, "staff"),
]


def seed(out) -> None:
    from accounts.models import User
    from deputies.models import Deputy
    from groups.models import DeputyGroup

    from .models import Piece
    from .services import piece_create

    staff = User.objects.filter(username="staff").first()
    dongshan = User.objects.filter(username="dongshan").first() or staff
    deputies = list(Deputy.objects.in_office().filter(memberships__group__name="东山街道区人大代表小组")
                    .order_by("name_pinyin", "id")[:5])
    group = DeputyGroup.objects.filter(name="东山街道区人大代表小组").first()
    today = timezone.localdate()
    made = 0
    for i, (title, medium, level, adopted, award, days_ago, kind) in enumerate(PIECES):
        if staff is None or Piece.objects.filter(title=title).exists():
            continue
        deputy = deputies[i % len(deputies)] if kind == "deputy" and deputies else None
        piece_create(actor=dongshan if kind == "group" else staff, title=title,
                     date=today - datetime.timedelta(days=days_ago), medium=medium, level=level, adopted=adopted,
                     award=award, deputy=deputy, group=group if kind == "group" else None,
                     author="" if deputy is not None or (kind == "group" and group) else "区人大常委会办公室")
        made += 1
    out.write(f"信息宣传: {made} 篇新登记,共 {Piece.objects.count()} 篇")
