"""Demo roster: the Xiangshan deputies of DOMAIN.md, generated deterministically.

73 city, 219 district and 73 town mandates held by people living in the district; 20 city deputies
are district deputies too and 8 district deputies in 渠沟镇 are town deputies too (one person, two
mandates). Names come from common surnames and given names with a fixed seed, so every run
produces the same people; people are keyed by their (valid, fictitious) ID numbers, which makes the
seed idempotent. Groups, contacts and homes are seeded by `groups.demo` and `deputies.demo.seed_homes`.
"""

from __future__ import annotations

import datetime
import random

from simple_history.utils import bulk_create_with_history

from areas.models import Area

from .choices import Education, Gender, HomeKind, Level, MandateStatus, Occupation, Party, SixHaves
from .importing import id_check_digit
from .models import CongressSession, CongressTerm, Deputy, DeputyHome, Mandate

SEED = 20230601
REASON = "演示数据"
CITY, DISTRICT, TOWN = 73, 219, 73
CITY_AND_DISTRICT, DISTRICT_AND_TOWN = 20, 8

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
MALE = ("伟", "强", "军", "磊", "洋", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "斌", "宇", "浩",
        "凯", "健", "俊", "旭", "宁", "龙", "峰", "建国", "建华", "志强", "海涛", "文博", "永刚", "国庆", "德明", "学军",
        "立新", "卫东", "长青", "振华", "家宝", "继忠", "庆丰")
FEMALE = ("芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂英", "秀英", "丹", "萍", "红", "玉兰", "婷", "雪",
          "琳", "慧", "晶", "颖", "倩", "梅", "佳", "欣", "晓燕", "春梅", "海燕", "丽华", "淑珍", "凤霞")
ETHNIC = ["汉族"] * 46 + ["回族", "满族", "蒙古族", "壮族"]
# Town-level areas and how many district deputies each elects (sums to 219).
DISTRICT_SEATS = {"渠沟镇": 30, "相南街道": 24, "东街道": 20, "西街道": 20, "东山街道": 26, "任圩街道": 24,
                  "南黎街道": 18, "曲阳街道": 22, "三堤口街道": 20, "相山经济开发区": 15}
COMMUNITY_OF = {"东山街道": "周庄社区", "任圩街道": "寇湾社区", "渠沟镇": "吕庄村"}
WORKPLACES = {
    Occupation.CADRE: ["{area}党工委书记", "{area}办事处主任", "{area}人大工委主任", "相山区人民政府副区长",
                       "相山区人大常委会副主任", "{area}党工委副书记"],
    Occupation.CIVIL_SERVANT: ["相山区财政局科长", "相山区教育体育局副局长", "相山区民政局科员", "{area}办事处科员"],
    Occupation.PROFESSIONAL: ["淮北市人民医院主任医师", "相山区人民医院副主任医师", "淮北市第一中学教师",
                              "相山区实验小学校长", "淮北师范大学副教授", "安徽金诚律师事务所律师"],
    Occupation.ENTERPRISE: ["淮北矿业集团相山分公司总经理", "安徽相城食品有限公司董事长", "淮北金鼎建材有限公司总经理",
                            "淮北市华源物流有限公司董事长", "相山经济开发区科技孵化园负责人"],
    Occupation.WORKER: ["淮北矿业集团相山分公司工人", "淮北发电厂检修工", "相山区环卫所环卫工人", "淮北纺织厂技术工人"],
    Occupation.FARMER: ["渠沟镇种植大户", "渠沟镇家庭农场主", "渠沟镇养殖合作社负责人"],
    Occupation.OTHER: ["{area}社区居委会主任", "相山区个体工商户", "淮北市志愿者协会会长"],
}
OCCUPATION_WEIGHTS = [(Occupation.CADRE, 18), (Occupation.CIVIL_SERVANT, 6), (Occupation.PROFESSIONAL, 20),
                      (Occupation.ENTERPRISE, 18), (Occupation.WORKER, 16), (Occupation.FARMER, 8),
                      (Occupation.OTHER, 14)]


def _terms() -> dict[str, CongressTerm]:
    terms = {}
    for level, number in ((Level.CITY, 17), (Level.DISTRICT, 12), (Level.TOWN, 8)):
        terms[level], _created = CongressTerm.objects.get_or_create(
            level=level, number=number, defaults={"start_year": 2021, "end_year": 2026, "is_current": True})
        for session, month in ((1, datetime.date(2022, 1, 10)), (2, datetime.date(2023, 1, 9))):
            CongressSession.objects.get_or_create(term=terms[level], number=session, defaults={"date": month})
    return terms


def people() -> list[dict]:
    """The demo people with their mandates: [(level, town name, area name, constituency, first time)]."""
    rng = random.Random(SEED)
    occupations, weights = zip(*OCCUPATION_WEIGHTS, strict=True)

    def person(index: int, town: str) -> dict:
        gender = Gender.MALE if rng.random() < 0.68 else Gender.FEMALE
        given = rng.choice(MALE if gender == Gender.MALE else FEMALE)
        birth = datetime.date(rng.randint(1958, 1992), rng.randint(1, 12), rng.randint(1, 28))
        occupation = rng.choices(occupations, weights)[0]
        if town == "渠沟镇" and rng.random() < 0.4:
            occupation = Occupation.FARMER
        seq = f"{index % 500 * 2 + (1 if gender == Gender.MALE else 0):03d}"
        first17 = f"340603{birth:%Y%m%d}{seq}"
        return {
            "name": rng.choice(SURNAMES) + given, "gender": gender, "birth_date": birth,
            "ethnicity": rng.choice(ETHNIC), "occupation": occupation,
            "party": rng.choices([Party.CPC, Party.DEMOCRATIC, Party.MASSES], [70, 12, 18])[0],
            "education": rng.choices([e for e, _l in Education.choices], [15, 45, 22, 12, 6])[0],
            "workplace": rng.choice(WORKPLACES[occupation]).format(area=town),
            "mobile": "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9)),
            "id_number": first17 + id_check_digit(first17), "town": town, "mandates": [],
        }

    def mandate(level, town, n):
        area = COMMUNITY_OF.get(town) if rng.random() < 0.15 else None
        return (level, town, area or town, f"{town}第{n}选区", rng.random() < 0.45)

    out: list[dict] = []
    district_towns = [town for town, seats in DISTRICT_SEATS.items() for _ in range(seats)]
    rng.shuffle(district_towns)
    # City deputies; the first 20 are also district deputies (a 市、区 deputy).
    for i in range(CITY):
        town = district_towns[i] if i < CITY_AND_DISTRICT else rng.choice(list(DISTRICT_SEATS))
        p = person(len(out), town)
        p["mandates"].append(mandate(Level.CITY, town, i % 9 + 1))
        if i < CITY_AND_DISTRICT:
            p["mandates"].append(mandate(Level.DISTRICT, town, i % 12 + 1))
        out.append(p)
    for i, town in enumerate(district_towns[CITY_AND_DISTRICT:]):
        p = person(len(out), town)
        p["mandates"].append(mandate(Level.DISTRICT, town, i % 12 + 1))
        out.append(p)
    # 渠沟镇 district deputies who are also town deputies.
    both = [p for p in out if p["town"] == "渠沟镇" and len(p["mandates"]) == 1
            and p["mandates"][0][0] == Level.DISTRICT][:DISTRICT_AND_TOWN]
    for i, p in enumerate(both):
        p["mandates"].append(mandate(Level.TOWN, "渠沟镇", i % 15 + 1))
    for i in range(TOWN - len(both)):
        p = person(len(out), "渠沟镇")
        p["mandates"].append(mandate(Level.TOWN, "渠沟镇", (i + len(both)) % 15 + 1))
        out.append(p)
    return out


def seed(out) -> None:
    terms = _terms()
    areas = {a.name: a for a in Area.objects.all()}
    specs = people()
    existing = set(Deputy.objects.filter(id_number__in=[s["id_number"] for s in specs])
                   .values_list("id_number", flat=True))
    new = []
    for spec in specs:
        if spec["id_number"] in existing:
            continue
        deputy = Deputy(area=areas[spec["mandates"][0][2]], note="",
                        **{k: v for k, v in spec.items() if k not in ("town", "mandates")})
        deputy.fill_name_fields()
        new.append(deputy)
    bulk_create_with_history(new, Deputy, default_change_reason=REASON, batch_size=500)
    by_id = dict(Deputy.objects.filter(id_number__in=[s["id_number"] for s in specs]).values_list("id_number", "pk"))
    have = set(Mandate.objects.filter(deputy_id__in=by_id.values()).values_list("deputy_id", "term_id"))
    mandates = []
    for spec in specs:
        for level, _town, area_name, constituency, first_time in spec["mandates"]:
            key = (by_id[spec["id_number"]], terms[level].pk)
            if key in have:
                continue
            mandates.append(Mandate(deputy_id=key[0], term=terms[level], area=areas[area_name],
                                    constituency=constituency, is_first_time=first_time,
                                    status=MandateStatus.IN_OFFICE, start_date=datetime.date(2021, 12, 1)))
    bulk_create_with_history(mandates, Mandate, default_change_reason=REASON, batch_size=500)
    seed_homes(areas)
    counts = {level: Mandate.objects.filter(term=terms[level], status=MandateStatus.IN_OFFICE).count() for level in terms}
    out.write(f"代表: {Deputy.objects.count()} 人(在任市级 {counts[Level.CITY]}、区级 {counts[Level.DISTRICT]}、"
              f"镇级 {counts[Level.TOWN]};本次新增 {len(new)} 人)")


def seed_homes(areas: dict) -> None:
    rng = random.Random(SEED + 1)
    roads = ("人民路", "淮海路", "相山路", "孟山路", "长山路", "南黎路", "古城路", "沱河路", "梅苑路", "凤凰山路")
    homes = [(f"{town}代表之家", HomeKind.HOME, town) for town in DISTRICT_SEATS]
    homes += [(f"{community}代表联络站", HomeKind.STATION, community) for community in COMMUNITY_OF.values()]
    existing = set(DeputyHome.objects.values_list("name", flat=True))
    all_six = [v for v, _l in SixHaves.choices]
    new = []
    for name, kind, area_name in homes:
        if name in existing:
            continue
        six = all_six if rng.random() < 0.7 else all_six[: rng.randint(3, 5)]
        new.append(DeputyHome(name=name, kind=kind, area=areas[area_name], six_haves=six,
                              address=f"{area_name}{rng.choice(roads)}{rng.randint(1, 300)}号",
                              contact_name=rng.choice(SURNAMES) + rng.choice(FEMALE + MALE),
                              contact_phone=f"0561-{rng.randint(3000000, 3999999)}", reception_days="每月5日、25日"))
    bulk_create_with_history(new, DeputyHome, default_change_reason=REASON)
