"""The item page (issue 10 §4/§5): what the deputy may read, what the timeline says was decided,
the unit's 提交办理结果 button, the message after 不满意, refused actions that keep what was typed,
the 交办单/答复单 print view, and a returned item that cannot be resubmitted unchanged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions import workflow
from petitions.choices import Action, State
from petitions.models import Attachment, HandlingRequest, Item, ItemEvent
from tests.access import ViewAccessCases

from .helpers import PDF, item_data, make, new_item, with_request

pytestmark = pytest.mark.django_db


def page(client, item) -> str:
    response = client.get(reverse("petitions:detail", args=[item.pk]))
    assert response.status_code == 200
    return response.content.decode()


def pdf(name="答复函.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def handling(cast, note="交办意见:请尽快联系供电公司(内部)"):
    item = workflow.item_start_research(item=new_item(cast), actor=cast.staff)
    return workflow.item_assign(item=item, actor=cast.staff, lead_unit=cast.zhujian.unit,
                                co_units=[cast.huanbao.unit], comment=note)


# ---- 1. the deputy sees the reply only once passed on, and never internal notes ------------------


def test_it_shows_the_deputy_the_reply_only_once_staff_pass_it_on(cast, login):
    item = handling(cast)
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="单位答复:已更换灯具", files=[pdf()])
    attachment = Attachment.objects.get(item=item, event__action=Action.SUBMIT_RESULT)
    download = reverse("petitions:attachment", args=[attachment.pk])

    html = page(login(cast.deputy), item)
    assert "待审核" in html
    assert "单位答复:已更换灯具" not in html and 'data-testid="item-reply"' not in html
    assert download not in html and "审核后反馈给您" in html
    assert login(cast.deputy).get(download).status_code == 404
    assert "单位答复:已更换灯具" in page(login(cast.staff), item)
    assert login(cast.staff).get(download).status_code == 200

    workflow.item_review_reply(item=item, actor=cast.staff, approve=True, comment="审核意见:答复可以(内部)")
    html = page(login(cast.deputy), item)
    assert "单位答复:已更换灯具" in html and 'data-testid="item-reply"' in html and download in html
    assert "审核意见:答复可以(内部)" not in html
    assert login(cast.deputy).get(download).status_code == 200


def test_it_never_shows_the_deputy_internal_notes(cast, login):
    item = handling(cast)
    workflow.item_submit_result(item=item, actor=cast.huanbao, result="协办意见:排水管归我局(内部)")
    workflow.item_request_extension(item=item, actor=cast.zhujian, days=3, reason="延期理由:等供电公司(内部)")
    request = HandlingRequest.objects.get(item=item)
    workflow.item_decide_extension(item=item, actor=cast.staff, request=request, approve=True,
                                   comment="审批意见:同意三天(内部)")
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="第一稿:已安排(被退回)")
    workflow.item_review_reply(item=item, actor=cast.staff, approve=False, comment="退回重办意见:写清楚(内部)")
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="第二稿:已更换灯具 12 盏")
    workflow.item_review_reply(item=item, actor=cast.staff, approve=True, comment="审核意见:可以(内部)")
    notes = ["交办意见:请尽快联系供电公司(内部)", "协办意见:排水管归我局(内部)", "延期理由:等供电公司(内部)",
             "审批意见:同意三天(内部)", "第一稿:已安排(被退回)", "退回重办意见:写清楚(内部)", "审核意见:可以(内部)"]

    for deputy_side in (cast.deputy, cast.group_leader):
        html = page(login(deputy_side), item)
        assert "第二稿:已更换灯具 12 盏" in html
        assert [n for n in notes if n in html] == []
        assert "新的办理期限" in html  # the granted extension itself is news for the deputy
    for insider in (cast.staff, cast.zhujian, cast.leader):
        html = page(login(insider), item)
        assert [n for n in notes if n not in html] == [], insider


def test_it_keeps_the_review_note_out_of_the_deputy_notification(cast):
    from notifications.models import Notification

    item = make(cast, State.REVIEW)
    workflow.item_review_reply(item=item, actor=cast.staff, approve=True, comment="审核意见:可以(内部)")
    note = Notification.objects.get(recipient=cast.deputy, kind="item.pass_on")
    assert "审核意见" not in note.body and "评价" in note.body


# ---- 2. the unit's submit button says what it does, asks first; the progress box has a label -----


def test_it_labels_the_result_button_and_asks_for_confirmation(cast, login):
    item = make(cast, State.HANDLING)
    html = page(login(cast.zhujian), item)
    assert "提交办理结果(提交后由人大审核)" in html
    assert 'data-testid="do-submit_result" data-confirm="' in html  # asked by static/js/app.js
    assert '<label class="form-label small mb-1" for="id_progress_comment">进展情况' in html
    assert 'id="id_progress_comment"' in html
    assert "提交协办意见(送主办单位)" in page(login(cast.huanbao), item)


# ---- 3. timeline rows say what was decided -------------------------------------------------------


def facts(client, item) -> str:
    import re
    from html import unescape

    html = page(client, item)
    return " | ".join(unescape(m) for m in re.findall(r'data-testid="event-facts">([^<]*)<', html))


def test_it_says_on_the_timeline_what_was_decided(cast, login):
    item, request = with_request(cast, "extension")
    workflow.item_decide_extension(item=item, actor=cast.staff, request=request, approve=True, days=4)
    assignment = item.assignments.get(unit=cast.zhujian.unit, is_current=True)
    workflow.item_request_return(item=item, actor=cast.zhujian, reason="不归我局")
    refused = HandlingRequest.objects.get(item=item, kind="return")
    workflow.item_decide_return(item=item, actor=cast.staff, request=refused, approve=False, comment="请继续办理")
    text = facts(login(cast.staff), item)
    assert f"同意延期 4 个工作日;新的办理期限 {assignment.due_date.isoformat()}" in text
    assert "申请延期 5 个工作日" in text and "不同意退回,由原单位继续办理" in text

    other, request = with_request(cast, "extension")
    workflow.item_decide_extension(item=other, actor=cast.staff, request=request, approve=False, comment="时间够")
    assert "不同意延期" in facts(login(cast.staff), other)


def test_it_shows_the_rating_and_the_new_due_date_of_an_evaluation(cast, login):
    item = make(cast, State.EVALUATION)
    item = workflow.item_evaluate(item=item, actor=cast.deputy, satisfaction="dissatisfied", comment="还有两盏不亮")
    text = facts(login(cast.deputy), item)
    assert f"评价:不满意;重新办理(第 2 轮),新的办理期限 {item.stage_due.isoformat()}" in text
    assert "还有两盏不亮" in page(login(cast.deputy), item)
    closed = make(cast, State.CLOSED)
    assert "评价:满意" in facts(login(cast.staff), closed)


# ---- 5. after 不满意 the deputy is told where the item goes and its new due date -------------------


def test_it_tells_the_deputy_after_dissatisfied_that_the_unit_handles_it_again(cast, login):
    item = make(cast, State.EVALUATION)
    response = login(cast.deputy).post(reverse("petitions:action", args=[item.pk, "evaluate"]), {
        "satisfaction": "dissatisfied", "comment": "还是不亮"}, follow=True)
    item.refresh_from_db()
    html = response.content.decode()
    assert item.state == State.HANDLING
    assert "已退回相山区住房和城乡建设局重新办理" in html and f"新的办理期限为 {item.stage_due.isoformat()}" in html


# ---- 7. a refused action re-renders the page with what was typed ----------------------------------


def test_it_keeps_a_long_result_when_its_attachment_is_refused(cast, login):
    item = make(cast, State.HANDLING)
    before = (item.state, ItemEvent.objects.filter(item=item).count())
    long_text = "办理情况:" + "已协调供电公司更换灯具并完成线路检修。" * 120
    response = login(cast.zhujian).post(reverse("petitions:action", args=[item.pk, "submit_result"]), {
        "result": long_text, "files": [SimpleUploadedFile("r.jpg", b"<html>not an image</html>")]})
    item.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200  # re-rendered, not redirected
    assert long_text in html and "不是图片、PDF 或 Office 文档" in html and 'data-testid="field-error"' in html
    assert (item.state, ItemEvent.objects.filter(item=item).count()) == before
    assert item.reply == "" and not item.assignments.filter(handled_at__isnull=False).exists()


def test_it_keeps_what_was_typed_when_the_workflow_refuses_the_step(cast, login):
    item = make(cast, State.HANDLING)
    response = login(cast.zhujian).post(reverse("petitions:action", args=[item.pk, "request_extension"]), {
        "days": "99", "reason": "需要协调三个部门,请给予延期"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "延期天数应为 1 到 15 个工作日" in html and "需要协调三个部门,请给予延期" in html
    assert 'value="99"' in html and "<details open>" in html
    assert not HandlingRequest.objects.filter(item=item).exists()

    item, request = with_request(cast, "extension")
    response = login(cast.staff).post(reverse("petitions:action", args=[item.pk, "decide_extension"]), {
        "request": request.pk, "approve": "0", "days": "5", "comment": ""})
    assert response.status_code == 200 and "请填写审批意见" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


def test_it_keeps_the_typed_comment_when_an_evaluation_is_refused(cast, login):
    item = make(cast, State.EVALUATION)
    response = login(cast.deputy).post(reverse("petitions:action", args=[item.pk, "evaluate"]),
                                       {"comment": "我想说的话"})
    html = response.content.decode()
    assert response.status_code == 200 and "我想说的话" in html and "这个字段是必填项" in html
    item.refresh_from_db()
    assert item.state == State.EVALUATION


# ---- 6. the single-item print view ----------------------------------------------------------------


class TestPrint(ViewAccessCases):
    allowed = ("deputy", "group_leader", "staff", "dongshan_staff", "zhujian", "leader")
    out_of_scope = ("renwei_staff", "renwei_deputy")

    def url(self, cast):
        return reverse("petitions:print", args=[make(cast, State.EVALUATION).pk])


def test_it_prints_the_assignment_and_reply_sheets(cast, login):
    item = handling(cast)
    html = login(cast.staff).get(reverse("petitions:print", args=[item.pk])).content.decode()
    assert 'data-testid="sheet-assign"' in html and item.stage_due.strftime("%Y-%m-%d") in html
    assert "交办意见:请尽快联系供电公司(内部)" in html and 'data-testid="sheet-reply"' not in html
    assert "交办意见:请尽快联系供电公司(内部)" not in login(cast.deputy).get(
        reverse("petitions:print", args=[item.pk])).content.decode()
    workflow.item_submit_result(item=item, actor=cast.zhujian, result="单位答复:已更换灯具")
    assert "单位答复:已更换灯具" not in login(cast.deputy).get(
        reverse("petitions:print", args=[item.pk])).content.decode()
    workflow.item_review_reply(item=item, actor=cast.staff, approve=True)
    html = login(cast.deputy).get(reverse("petitions:print", args=[item.pk]), {"sheet": "reply"}).content.decode()
    assert 'data-testid="sheet-reply"' in html and "单位答复:已更换灯具" in html
    assert 'data-testid="sheet-assign"' not in html
    assert reverse("petitions:print", args=[item.pk]) in page(login(cast.deputy), item)


# ---- 8. a returned item cannot be resubmitted unchanged -------------------------------------------


def test_it_refuses_to_resubmit_a_returned_item_unchanged(cast, login):
    item = make(cast, State.RETURNED)
    with pytest.raises(workflow.WorkflowError, match="尚未作任何修改"):
        workflow.item_submit(item=item, actor=cast.deputy)
    # Saving the form without changing anything is not a change either.
    workflow.item_update(item=item, actor=cast.deputy, data={"title": item.title, "content": item.content})
    response = login(cast.deputy).post(reverse("petitions:action", args=[item.pk, "submit"]))
    assert response.status_code == 200 and "尚未作任何修改" in response.content.decode()
    item.refresh_from_db()
    assert item.state == State.RETURNED

    workflow.item_update(item=item, actor=cast.deputy, data={"address": "周庄社区3号楼前"})
    assert workflow.item_submit(item=item, actor=cast.deputy).state == State.SUBMITTED


def test_it_takes_a_returned_item_once_a_file_was_added(cast):
    item = make(cast, State.RETURNED)
    workflow.item_update(item=item, actor=cast.deputy, data={}, files=[pdf("现场照片.pdf")])
    assert workflow.item_submit(item=item, actor=cast.deputy).state == State.SUBMITTED


# ---- the page's cost does not grow with the timeline ----------------------------------------------


def test_it_renders_the_item_page_with_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    item = make(cast, State.HANDLING)
    client = login(cast.deputy)
    page(client, item)
    with django_assert_max_num_queries(60) as small:
        page(client, item)
    for n in range(8):
        workflow.item_add_progress(item=item, actor=cast.zhujian, comment=f"进展 {n}", files=[pdf()])
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = page(client, item)
    assert "进展 7" in html
    assert Item.objects.filter(pk=item.pk, state=State.HANDLING).exists()


def test_it_shows_the_deputy_the_reply_of_an_item_imported_from_a_ledger(cast, login):
    """Ledger items have no review row: a result the deputy went on to evaluate did reach them."""
    from ledger.models import LedgerRow
    from ledger.services import ledger_import
    from tests.ledger.test_import import good_rows, workbook

    rows = [good_rows()[0], good_rows()[3]]
    report = ledger_import(file=workbook(rows), dry_run=False, create_units=True, filename="2022.xlsx",
                           actor=cast.staff)
    assert report.ok, report.refused
    for number in ("TZ-2022-001", "TZ-2022-004"):
        html = page(login(cast.group_leader), LedgerRow.objects.get(number=number).item)
        assert "办理完毕(台账记录)" in html and "审核后反馈给您" not in html


def test_the_page_reads_what_the_orm_reads_through_queries_compiled_once(cast):
    """selectors.detail_reads (each query's SQL compiled once per process) against the plain ORM: files
    filed with the item and with a later step, co-signers, a merged duplicate, the assignments and a
    pending request — and nothing of another item."""
    from deputies.models import Deputy
    from petitions import selectors

    others = list(Deputy.objects.exclude(pk=cast.deputy.deputy.pk).order_by("pk")[:2])
    item = workflow.item_create(actor=cast.deputy, deputy=cast.deputy.deputy, data={**item_data()}, submit=True,
                                files=[pdf("现场照片.pdf")], co_deputies=others)
    item = workflow.item_start_research(item=item, actor=cast.staff)
    duplicate = workflow.item_start_research(item=new_item(cast, title="同一路段路灯问题"), actor=cast.staff)
    workflow.item_merge(item=duplicate, actor=cast.staff, into=item)
    item = workflow.item_assign(item=item, actor=cast.staff, lead_unit=cast.zhujian.unit, co_units=[cast.huanbao.unit])
    workflow.item_add_progress(item=item, actor=cast.zhujian, comment="已现场查看", files=[pdf()])
    workflow.item_request_extension(item=item, actor=cast.zhujian, days=5, reason="需要协调供电公司")
    make(cast, State.HANDLING)  # another item's rows must not show

    reads = selectors.detail_reads(item)
    events = list(ItemEvent.objects.filter(item=item).order_by("created_at", "id"))
    assert [e.pk for e in reads.events] == [e.pk for e in events] and len(events) >= 5
    assert {k: [a.pk for a in v] for k, v in reads.attachments.items()} == {
        e.pk: [a.pk for a in e.attachments.order_by("id")] for e in events if e.attachments.exists()}
    assert [a.pk for a in reads.item_attachments] == list(
        Attachment.objects.filter(item=item, event__action__in=[Action.CREATE, Action.EDIT]).values_list("pk", flat=True))
    assert len(reads.item_attachments) == 1 and len(reads.attachments) == 2
    assert [(a.pk, a.unit.name) for a in reads.assignments] == [
        (a.pk, a.unit.name) for a in item.assignments.order_by("-round", "role", "id")]
    assert [(r.pk, r.assignment.unit.name) for r in reads.pending_requests] == [
        (r.pk, r.assignment.unit.name) for r in HandlingRequest.objects.filter(item=item, status="pending")]
    assert [d.pk for d in reads.co_deputies] == [d.pk for d in item.co_deputies.all()] == [d.pk for d in others]
    assert [m.pk for m in reads.merged_items] == [duplicate.pk]
