"""Building items in any state through the workflow itself (never by writing the state field)."""

import datetime

from django.utils import timezone

from areas.models import Area
from petitions import workflow
from petitions.choices import Category, Satisfaction, State
from petitions.models import HandlingRequest, Item

# A PNG (1x1) and a tiny PDF: real content for the attachment checks.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def item_data(**extra):
    data = {"title": "周庄社区路灯不亮", "content": "周庄社区主干道路灯已坏两周,居民夜间出行不便。",
            "category": Category.URBAN, "area": Area.objects.get(name="东山街道")}
    data.update(extra)
    return data


def new_item(cast, *, user=None, submit=True, **extra) -> Item:
    user = user or cast.deputy
    return workflow.item_create(actor=user, deputy=user.deputy, data=item_data(**extra), submit=submit)


def make(cast, state: str, **extra) -> Item:
    """An item of `cast.deputy` (东山街道) in `state`, lead unit 区住建局 and co-unit 区生态环境分局."""
    if state == State.DRAFT:
        return new_item(cast, submit=False, **extra)
    item = new_item(cast, **extra)
    staff, lead, co = cast.staff, cast.zhujian, cast.huanbao
    if state == State.SUBMITTED:
        return item
    if state == State.WITHDRAWN:
        return workflow.item_withdraw(item=item, actor=cast.deputy)
    item = workflow.item_start_research(item=item, actor=staff)
    if state == State.RESEARCH:
        return item
    if state == State.RETURNED:
        return workflow.item_return_for_detail(item=item, actor=staff, comment="请补充具体位置")
    if state == State.MERGED:
        other = new_item(cast, title="同一路段路灯问题")
        return workflow.item_merge(item=item, actor=staff, into=other)
    item = workflow.item_assign(item=item, actor=staff, lead_unit=lead.unit, co_units=[co.unit])
    if state == State.HANDLING:
        return item
    item = workflow.item_submit_result(item=item, actor=lead, result="已更换灯具,恢复照明。")
    if state == State.REVIEW:
        return item
    item = workflow.item_review_reply(item=item, actor=staff, approve=True)
    if state == State.EVALUATION:
        return item
    if state == State.CLOSED:
        return workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.SATISFIED)
    if state == State.SUPERVISION:
        item = workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.DISSATISFIED,
                                      comment="仍有两盏不亮")
        item = workflow.item_submit_result(item=item, actor=lead, result="已全部修复。")
        item = workflow.item_review_reply(item=item, actor=staff, approve=True)
        return workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction=Satisfaction.DISSATISFIED,
                                      comment="还是不亮")
    raise ValueError(state)


def with_request(cast, kind: str) -> tuple[Item, HandlingRequest]:
    item = make(cast, State.HANDLING)
    if kind == "extension":
        workflow.item_request_extension(item=item, actor=cast.zhujian, days=5, reason="需要协调供电公司")
    else:
        workflow.item_request_return(item=item, actor=cast.zhujian, reason="路灯归城管局管理")
    return item, HandlingRequest.objects.get(item=item, kind=kind)


def past_evaluation_window(item, days=1):
    """Test setup only: move the evaluation deadline into the past (not the state)."""
    Item.objects.filter(pk=item.pk).update(evaluation_due=timezone.localdate() - datetime.timedelta(days=days))
    item.refresh_from_db()
    return item
