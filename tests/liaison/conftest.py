"""Helpers of the 双联 tests: two standing-committee members beside the shared personas, their links, and
contacts recorded through the services.

| on `cast`     | who                                                                |
| ------------- | ------------------------------------------------------------------ |
| member        | 钱主任, 常委会组成人员, linked to 刘芳 (东山街道) and 赵强 (任圩街道) |
| other_member  | 孙委员, 常委会组成人员, linked to 张伟 (东山街道)                     |
"""

import datetime

import pytest

from accounts.choices import Role
from accounts.services import user_create
from deputies.choices import Level
from deputies.models import CongressTerm
from liaison import services
from liaison.models import Link
from tests.personas import PASSWORD


@pytest.fixture
def cast(cast):
    """The shared personas plus the two members (attributes of this cast only, not fields of Cast)."""
    cast.member = user_create(username="qian", password=PASSWORD, full_name="钱主任", roles=[Role.COMMITTEE_MEMBER])
    cast.other_member = user_create(username="sun", password=PASSWORD, full_name="孙委员",
                                    roles=[Role.COMMITTEE_MEMBER])
    return cast


@pytest.fixture
def term(cast):
    return CongressTerm.objects.get(level=Level.DISTRICT, number=12)


def link_of(cast, member, deputy_user, **extra):
    """A link made by the district staff, since 2026-01-05."""
    return services.link_create(actor=cast.staff, member=member, deputy=deputy_user.deputy,
                                term=CongressTerm.objects.get(level=Level.DISTRICT, number=12),
                                since=extra.pop("since", datetime.date(2026, 1, 5)), **extra)


@pytest.fixture
def links(cast, term):
    """钱主任 ↔ 刘芳 and 赵强; 孙委员 ↔ 张伟."""
    return {"liu": link_of(cast, cast.member, cast.deputy), "zhao": link_of(cast, cast.member, cast.renwei_deputy),
            "zhang": link_of(cast, cast.other_member, cast.group_leader)}


def contact_of(cast, link: Link, actor=None, **fields):
    """A visit on 2026-11-10 recorded by the link's member, with two opinions unless told otherwise."""
    data = {"kind": "visit", "date": datetime.date(2026, 11, 10), "place": "周庄社区代表之家",
            "heard": "代表介绍了周庄社区老旧小区改造的进展。",
            "opinions": ["3号楼加装电梯资金分摊方案未定", "小区停车位紧张"]}
    data.update(fields)
    return services.contact_record(actor=actor or link.member, link=link, **data)


def contact_data(**extra):
    data = {"kind": "visit", "date": "2026-11-20", "place": "东山街道代表之家", "heard": "听取代表对背街小巷整治的意见。",
            "opinions": "背街小巷路灯不亮\n\n垃圾清运不及时\n"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
