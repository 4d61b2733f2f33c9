"""Demo roster (minimal for now; the roster issue grows it to the full Xiangshan roster)."""

import datetime

from areas.models import Area
from groups.choices import GroupKind, MemberRole
from groups.models import DeputyGroup, GroupMembership

from .choices import Gender, Level, MandateStatus, Party
from .models import CongressTerm, Deputy, Mandate

PEOPLE = [
    ("张伟", Gender.MALE, "东山街道", Level.DISTRICT, MemberRole.LEADER),
    ("刘芳", Gender.FEMALE, "东山街道", Level.DISTRICT, MemberRole.MEMBER),
    ("赵强", Gender.MALE, "任圩街道", Level.DISTRICT, MemberRole.MEMBER),
    ("孙丽", Gender.FEMALE, "渠沟镇", Level.TOWN, MemberRole.MEMBER),
]


def seed(out) -> None:
    terms = {
        Level.CITY: CongressTerm.objects.get_or_create(level=Level.CITY, number=17, defaults={"start_year": 2021})[0],
        Level.DISTRICT: CongressTerm.objects.get_or_create(level=Level.DISTRICT, number=12, defaults={"start_year": 2021})[0],
        Level.TOWN: CongressTerm.objects.get_or_create(level=Level.TOWN, number=8, defaults={"start_year": 2021})[0],
    }
    group, _ = DeputyGroup.objects.get_or_create(
        name="东山街道区人大代表小组", defaults={"kind": GroupKind.DISTRICT_TOWN, "area": Area.objects.get(name="东山街道")})
    for i, (name, gender, area_name, level, role) in enumerate(PEOPLE, start=1):
        area = Area.objects.get(name=area_name)
        deputy, _ = Deputy.objects.get_or_create(
            name=name, birth_date=datetime.date(1970 + i, i, 1),
            defaults={"gender": gender, "party": Party.CPC, "area": area, "mobile": f"1380561{i:04d}"})
        Mandate.objects.get_or_create(deputy=deputy, term=terms[level], defaults={
            "area": area, "status": MandateStatus.IN_OFFICE, "constituency": f"{area_name}第{i}选区"})
        if area_name == "东山街道":
            GroupMembership.objects.get_or_create(group=group, deputy=deputy, defaults={"role": role})
    out.write(f"代表: {Deputy.objects.count()} 名")
