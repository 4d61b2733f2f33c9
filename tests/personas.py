"""The named people every test shares (STYLE.md: personas). Built on the Xiangshan area tree.

| fixture        | who                                                        |
| -------------- | ---------------------------------------------------------- |
| admin          | IT staff, 系统管理员                                        |
| staff          | 李明, district staff (人大工作人员), whole district           |
| dongshan_staff | 周敏, area staff of 东山街道                                 |
| renwei_staff   | 陈刚, area staff of 任圩街道                                 |
| zhujian        | 孙磊, handling unit 相山区住房和城乡建设局                      |
| huanbao        | 吴芳, handling unit 淮北市相山区生态环境分局                    |
| deputy         | 刘芳, district deputy in 东山街道, member of 东山 group        |
| group_leader   | 张伟, district deputy in 东山街道, leader of 东山 group        |
| renwei_deputy  | 赵强, district deputy in 任圩街道 (no login of his own group) |
| leader         | 王主任, standing-committee leader, read-only                 |
"""

from dataclasses import dataclass

from accounts.choices import Role
from accounts.services import user_create
from areas.models import Area
from deputies.choices import Level
from groups.choices import GroupKind, MemberRole
from units.models import HandlingUnit

from . import factories

PASSWORD = "pw-for-tests-1"


@dataclass
class Cast:
    admin: object
    staff: object
    dongshan_staff: object
    renwei_staff: object
    zhujian: object
    huanbao: object
    deputy: object
    group_leader: object
    renwei_deputy: object
    leader: object

    @property
    def all(self) -> dict:
        return dict(self.__dict__)


def load_areas():
    from django.core.management import call_command

    if not Area.objects.exists():
        call_command("loaddata", "xiangshan_areas", verbosity=0)


def build() -> Cast:
    load_areas()
    dongshan = Area.objects.get(name="东山街道")
    renwei = Area.objects.get(name="任圩街道")
    zj = HandlingUnit.objects.get_or_create(name="相山区住房和城乡建设局", defaults={"short_name": "区住建局"})[0]
    hb = HandlingUnit.objects.get_or_create(name="淮北市相山区生态环境分局", defaults={"short_name": "区生态环境分局"})[0]
    term = factories.CongressTermFactory(level=Level.DISTRICT, number=12)
    group = factories.DeputyGroupFactory(name="东山街道区人大代表小组", kind=GroupKind.DISTRICT_TOWN, area=dongshan)

    def deputy_user(username, name, area, role=None):
        user = user_create(username=username, password=PASSWORD, full_name=name,
                           roles=[Role.DEPUTY] + ([Role.GROUP_LEADER] if role == MemberRole.LEADER else []))
        person = factories.DeputyFactory(name=name, user=user, area=area, mobile="13805612345",
                                         id_number="")
        factories.MandateFactory(deputy=person, term=term, area=area)
        if role:
            factories.GroupMembershipFactory(group=group, deputy=person, role=role)
        return user

    cast = Cast(
        admin=user_create(username="admin", password=PASSWORD, full_name="系统管理员", roles=[Role.ADMIN],
                          is_superuser=True),
        staff=user_create(username="staff", password=PASSWORD, full_name="李明", roles=[Role.DISTRICT_STAFF]),
        dongshan_staff=user_create(username="dongshan", password=PASSWORD, full_name="周敏",
                                   roles=[Role.AREA_STAFF], area=dongshan),
        renwei_staff=user_create(username="renwei", password=PASSWORD, full_name="陈刚",
                                 roles=[Role.AREA_STAFF], area=renwei),
        zhujian=user_create(username="zhujian", password=PASSWORD, full_name="孙磊", roles=[Role.UNIT], unit=zj),
        huanbao=user_create(username="huanbao", password=PASSWORD, full_name="吴芳", roles=[Role.UNIT], unit=hb),
        deputy=deputy_user("deputy", "刘芳", dongshan, MemberRole.MEMBER),
        group_leader=deputy_user("zuzhang", "张伟", dongshan, MemberRole.LEADER),
        renwei_deputy=deputy_user("renwei_deputy", "赵强", renwei),
        leader=user_create(username="leader", password=PASSWORD, full_name="王主任", roles=[Role.LEADER]),
    )
    return cast
