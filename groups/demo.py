"""Demo groups: 4 city-deputy groups and 17 district/town groups, with leaders, liaisons and contacts.

Runs after `deputies.demo` (the people exist) and before `accounts.demo` (which links the demo
`zuzhang` account to a group leader). Idempotent: groups by name, memberships by (group, deputy).
Fixed contacts use the communities and villages that exist in the area tree (DOMAIN.md keeps the
demo to its named areas) and state organs such as 市财政局 and 市经信局.
"""

import random

from simple_history.utils import bulk_create_with_history

from areas.models import Area
from deputies.choices import Level, Occupation
from deputies.demo import DISTRICT_SEATS, REASON, SEED, people
from deputies.models import Deputy

from .choices import GroupKind, MemberRole
from .models import DeputyGroup, GroupMembership, StateOrgan

CITY_GROUPS = ["市人大第十代表小组", "市人大第十一代表小组", "市人大第十二代表小组", "市人大第十三代表小组"]
# District/town groups per town-level area (17 in all) plus one by profession.
AREA_GROUPS = {
    "渠沟镇": ["渠沟镇第一代表小组", "渠沟镇第二代表小组", "渠沟镇第三代表小组"],
    "相南街道": ["相南街道第一代表小组", "相南街道第二代表小组"],
    "东街道": ["东街道代表小组"],
    "西街道": ["西街道代表小组"],
    "东山街道": ["东山街道区人大代表小组", "东山街道第二代表小组"],
    "任圩街道": ["任圩街道第一代表小组", "任圩街道第二代表小组"],
    "南黎街道": ["南黎街道代表小组"],
    "曲阳街道": ["曲阳街道第一代表小组", "曲阳街道第二代表小组"],
    "三堤口街道": ["三堤口街道代表小组"],
    "相山经济开发区": ["相山经济开发区代表小组"],
}
PROFESSION_GROUP = "区直机关代表小组"
ORGANS = ["市财政局", "市经信局", "市发展改革委", "市住房城乡建设局", "市生态环境局", "市教育局", "市卫生健康委",
          "市民政局", "区财政局", "区住建局", "区教育体育局", "区卫生健康委", "区城市管理局", "区民政局",
          "区市场监管局", "区农业农村水利局"]
COMMUNITY_CONTACTS = {"东山街道": "周庄社区", "任圩街道": "寇湾社区", "渠沟镇": "吕庄村"}


def seed(out) -> None:
    rng = random.Random(SEED + 2)
    areas = {a.name: a for a in Area.objects.all()}
    organs = {}
    for name in ORGANS:
        organs[name], _c = StateOrgan.objects.get_or_create(name=name)
    specs = {g: [] for g in CITY_GROUPS + [n for names in AREA_GROUPS.values() for n in names] + [PROFESSION_GROUP]}
    profession_left = 12
    city_index = 0
    town_index: dict[str, int] = {}
    for spec in people():
        levels = {m[0] for m in spec["mandates"]}
        if Level.CITY in levels:
            specs[CITY_GROUPS[city_index % 4]].append(spec["id_number"])
            city_index += 1
        if levels & {Level.DISTRICT, Level.TOWN}:
            if spec["occupation"] == Occupation.CADRE and Level.DISTRICT in levels and profession_left:
                specs[PROFESSION_GROUP].append(spec["id_number"])
                profession_left -= 1
                continue
            names = AREA_GROUPS[spec["town"]]
            position = town_index.get(spec["town"], 0)
            town_index[spec["town"]] = position + 1
            specs[names[position % len(names)]].append(spec["id_number"])
    deputies = dict(Deputy.objects.filter(id_number__in=[i for ids in specs.values() for i in ids])
                    .values_list("id_number", "pk"))
    existing = {g.name: g for g in DeputyGroup.objects.filter(name__in=specs)}
    new_groups = []
    for sort, name in enumerate(specs, start=1):
        if name in existing:
            continue
        town = next((t for t, names in AREA_GROUPS.items() if name in names), None)
        kind = GroupKind.CITY if name in CITY_GROUPS else GroupKind.DISTRICT_TOWN
        new_groups.append(DeputyGroup(name=name, kind=kind, sort=sort,
                                      area=areas[town] if town else (areas["相山区"] if name == PROFESSION_GROUP else None)))
    bulk_create_with_history(new_groups, DeputyGroup, default_change_reason=REASON)
    groups = {g.name: g for g in DeputyGroup.objects.filter(name__in=specs)}
    have = set(GroupMembership.objects.filter(group__in=groups.values()).values_list("group_id", "deputy_id"))
    memberships = []
    for name, ids in specs.items():
        group = groups[name]
        for position, id_number in enumerate(ids):
            deputy_id = deputies.get(id_number)
            if deputy_id is None or (group.pk, deputy_id) in have:
                continue
            role = MemberRole.LEADER if position == 0 else MemberRole.DEPUTY_LEADER if position == 1 else MemberRole.MEMBER
            memberships.append(GroupMembership(group=group, deputy_id=deputy_id, role=role))
    bulk_create_with_history(memberships, GroupMembership, default_change_reason=REASON)
    for name, group in groups.items():
        if group.contact_organs.exists() or group.contact_areas.exists():
            continue
        group.contact_organs.set(rng.sample(list(organs.values())[:8] if name in CITY_GROUPS
                                            else list(organs.values())[8:], 2))
        town = next((t for t, names in AREA_GROUPS.items() if name in names), None)
        community = COMMUNITY_CONTACTS.get(town) if town else rng.choice(list(COMMUNITY_CONTACTS.values()))
        if community:
            group.contact_areas.set([Area.objects.get(name=community)])
        if group.liaison_deputy_id is None and len(specs[name]) > 2:
            group.liaison_deputy_id = deputies.get(specs[name][2])
            group.save(update_fields=["liaison_deputy"])
    out.write(f"代表小组: {DeputyGroup.objects.count()} 个(市级 {DeputyGroup.objects.filter(kind=GroupKind.CITY).count()}"
              f"、区镇 {DeputyGroup.objects.filter(kind=GroupKind.DISTRICT_TOWN).count()};"
              f"覆盖 {len(DISTRICT_SEATS)} 个镇街)")
