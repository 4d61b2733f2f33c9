"""Demo 双联: 钱主任 (username `changwei`, the demo password), a standing-committee member linked to six
district deputies of 东山街道, 任圩街道 and 渠沟镇, with contacts this quarter and last, the opinions heard,
and one opinion turned into an opinion item; and 孙委员 (`changwei2`), linked to two deputies but with no
contact this quarter, so the figures flag one member. Idempotent: a member who has contacts gets none."""

import datetime

from django.utils import timezone

from .choices import Kind

MEMBERS = [("changwei", "钱主任(常委会组成人员)"), ("changwei2", "孙委员(常委会组成人员)")]
AREAS = ["东山街道", "东山街道", "东山街道", "任圩街道", "任圩街道", "渠沟镇"]

# deputy index, kind, days ago, place, heard, opinions (the first of the first contact is converted)
CONTACTS = [
    (0, Kind.VISIT, 6, "东山街道周庄社区代表之家", "代表介绍了周庄社区老旧小区改造的进展,居民对加装电梯意见较多。",
     ["周庄社区3号楼加装电梯资金分摊方案迟迟未定,建议街道牵头协调。", "小区内停车位紧张,建议利用闲置空地增设停车位。"]),
    (1, Kind.PHONE, 12, "", "电话了解代表近期走访选民情况。", ["东山路公交站台缺少遮雨棚,雨天候车不便。"]),
    (2, Kind.WECHAT, 25, "", "代表通过微信反映了辖区背街小巷的卫生情况。", []),
    (3, Kind.MEETING, 30, "任圩街道人大工委会议室", "召开代表座谈会,听取对寇湾社区养老服务的意见。",
     ["寇湾社区日间照料中心人手不足,建议增加护理人员。", "建议在社区卫生服务站开设老年人慢病随访。",
      "社区食堂价格偏高,希望给予困难老人补贴。"]),
    (4, Kind.VISIT, 100, "任圩街道", "走访代表所在企业,了解企业用工情况。", ["建议加强对中小企业稳岗补贴政策的宣传。"]),
    (5, Kind.VISIT, 45, "渠沟镇吕庄村", "走访代表,了解吕庄村农村道路亮灯工程情况。",
     ["吕庄村部分太阳能路灯已损坏,建议纳入维修计划。"]),
]


def seed(out) -> None:
    from accounts.choices import Role
    from accounts.demo import DEMO_PASSWORD
    from accounts.models import User
    from accounts.services import user_create
    from deputies.choices import MandateStatus
    from deputies.models import Deputy

    from .models import Contact, Link
    from .selectors import current_term
    from .services import contact_record, link_create, opinion_convert

    staff = User.objects.filter(username="staff").first()
    term = current_term()
    if staff is None or term is None:
        return
    users = []
    for username, full_name in MEMBERS:
        user = User.objects.filter(username=username).first() or user_create(
            username=username, password=DEMO_PASSWORD, full_name=full_name, roles=[Role.COMMITTEE_MEMBER])
        users.append(user)
    qian, sun = users

    today = timezone.localdate()
    since = today - datetime.timedelta(days=300)
    picked, deputies = set(), []
    for area in AREAS:
        pool = (Deputy.objects.filter(mandates__term=term, mandates__status=MandateStatus.IN_OFFICE,
                                      mandates__area__name=area)
                .exclude(pk__in=picked).order_by("name_pinyin", "id"))
        deputy = pool.first()
        if deputy is not None:
            picked.add(deputy.pk)
            deputies.append(deputy)
    links = []
    for member, chosen in ((qian, deputies), (sun, deputies[3:5])):
        for deputy in chosen:
            link = Link.objects.filter(member=member, deputy=deputy, term=term).first() or link_create(
                actor=staff, member=member, deputy=deputy, term=term, since=since)
            if member is qian:
                links.append(link)

    made = 0
    if not Contact.objects.filter(link__member=qian).exists():
        for index, kind, days_ago, place, heard, opinions in CONTACTS:
            if index >= len(links):
                continue
            contact = contact_record(actor=qian, link=links[index], kind=kind, place=place, heard=heard,
                                     date=today - datetime.timedelta(days=days_ago), opinions=opinions)
            made += 1
            if made == 1 and opinions:
                opinion_convert(opinion=contact.opinions.order_by("id").first(), actor=qian, category="urban")
    if not Contact.objects.filter(link__member=sun).exists():
        sun_link = Link.objects.filter(member=sun, active=True).order_by("id").first()
        if sun_link is not None:  # last quarter only: flagged 本季度未联系 now
            contact_record(actor=staff, link=sun_link, kind=Kind.PHONE, heard="电话了解代表履职情况。",
                           date=today - datetime.timedelta(days=120))
            made += 1
    out.write(f"双联: {Link.objects.count()} 对结对,{made} 次新联系记录;常委会组成人员账号 changwei、changwei2(密码同上)")
