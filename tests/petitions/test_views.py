"""Every item view: access (ViewAccessCases), lists with fixed query counts, filters, export, forms,
and bad input (never a 500, never a changed item)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from petitions.choices import Action, State
from petitions.models import Attachment, Item, ItemSettings
from tests.access import ViewAccessCases

from .helpers import PDF, PNG, item_data, make, new_item

pytestmark = pytest.mark.django_db


class TestListAll(ViewAccessCases):
    allowed = ("staff", "admin", "leader", "dongshan_staff", "zhujian")
    forbidden = ("deputy",)

    def url(self, cast):
        return reverse("petitions:list")


class TestListMine(ViewAccessCases):
    allowed = ("deputy", "group_leader")
    forbidden = ("staff", "zhujian", "leader")

    def url(self, cast):
        return reverse("petitions:mine")


class TestListEvaluate(TestListMine):
    def url(self, cast):
        return reverse("petitions:evaluate")


class TestListResearch(ViewAccessCases):
    allowed = ("staff", "dongshan_staff", "admin")
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("petitions:research")


class TestListReview(TestListResearch):
    def url(self, cast):
        return reverse("petitions:review")


class TestListRequests(TestListResearch):
    def url(self, cast):
        return reverse("petitions:requests")


class TestListOverdue(ViewAccessCases):
    allowed = ("staff", "zhujian")
    forbidden = ("deputy", "leader")

    def url(self, cast):
        return reverse("petitions:overdue")


class TestListTodo(ViewAccessCases):
    allowed = ("zhujian", "huanbao")
    forbidden = ("staff", "deputy", "leader")

    def url(self, cast):
        return reverse("petitions:todo")


class TestListDueSoon(TestListTodo):
    def url(self, cast):
        return reverse("petitions:due_soon")


class TestDetail(ViewAccessCases):
    allowed = ("deputy", "group_leader", "staff", "dongshan_staff", "zhujian", "huanbao", "leader", "admin")
    out_of_scope = ("renwei_staff", "renwei_deputy")

    def url(self, cast):
        return reverse("petitions:detail", args=[make(cast, State.HANDLING).pk])


class TestCreate(ViewAccessCases):
    allowed = ("deputy", "staff", "dongshan_staff")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("petitions:create")


class TestEdit(ViewAccessCases):
    allowed = ("deputy",)
    out_of_scope = ("staff", "renwei_staff", "group_leader")
    forbidden = ("zhujian", "leader")

    def url(self, cast):
        return reverse("petitions:edit", args=[make(cast, State.DRAFT).pk])


class TestAction(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    out_of_scope = ("renwei_staff",)
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("petitions:action", args=[make(cast, State.SUBMITTED).pk, "start_research"])


class TestBulkAssign(ViewAccessCases):
    allowed = ("staff", "dongshan_staff")
    forbidden = ("deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("petitions:bulk_assign")


class TestSettings(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = ("dongshan_staff", "deputy", "zhujian", "leader")

    def url(self, cast):
        return reverse("petitions:settings")


class TestAttachment(ViewAccessCases):
    allowed = ("deputy", "staff", "zhujian", "leader")
    out_of_scope = ("renwei_staff", "renwei_deputy")

    def url(self, cast):
        item = new_item(cast)
        from petitions import workflow

        item = workflow.item_start_research(item=item, actor=cast.staff)
        workflow.item_assign(item=item, actor=cast.staff, lead_unit=cast.zhujian.unit)
        upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
        upload.xs_content_type = "image/png"
        a = Attachment.objects.create(item=item, file=upload, name="photo.png", content_type="image/png", size=len(PNG))
        return reverse("petitions:attachment", args=[a.pk])


# ---- lists ---------------------------------------------------------------------------------------


def test_it_lists_with_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.staff)
    for _ in range(3):
        make(cast, State.HANDLING)
    client.get(reverse("petitions:list"))  # warm caches (settings row, content types)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("petitions:list"))
    for _ in range(12):
        make(cast, State.REVIEW)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("petitions:list"))
    assert response.status_code == 200


def test_it_filters_by_state_unit_keyword_month_and_overdue(cast, login):
    handling = make(cast, State.HANDLING, title="下水道堵塞")
    submitted = make(cast, State.SUBMITTED, title="路灯")
    client = login(cast.staff)

    def shown(**params):
        html = client.get(reverse("petitions:list"), params).content.decode()
        return {pk for pk in (handling.pk, submitted.pk) if f"/items/{pk}/" in html}

    assert shown(state="handling") == {handling.pk}
    assert shown(stage="research") == {submitted.pk}
    assert shown(unit=cast.zhujian.unit.pk) == {handling.pk}
    assert shown(q="下水道") == {handling.pk}
    assert shown(q=handling.number) == {handling.pk}
    assert shown(month=handling.period.strftime("%Y-%m")) == {handling.pk, submitted.pk}
    assert shown(category="urban", area=cast.dongshan_staff.area.pk) == {handling.pk, submitted.pk}
    Item.objects.filter(pk=submitted.pk).update(stage_due="2020-01-02")
    assert shown(overdue="on") == {submitted.pk}


def test_it_exports_the_filtered_list_to_xlsx(cast, login):
    item = make(cast, State.HANDLING)
    make(cast, State.SUBMITTED)
    response = login(cast.staff).get(reverse("petitions:list"), {"state": "handling", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "编号" and len(rows) == 2 and rows[1][0] == item.number


def test_it_counts_work_in_the_navigation(cast, login):
    make(cast, State.SUBMITTED)
    make(cast, State.HANDLING)
    html = login(cast.staff).get("/").content.decode()
    assert 'data-nav="items_research"' in html
    html = login(cast.zhujian).get(reverse("petitions:todo")).content.decode()
    assert 'data-nav="items_todo"' in html and "待办理" in html


def test_it_shows_the_deputy_months_owed_and_met(cast, login):
    make(cast, State.SUBMITTED)
    html = login(cast.deputy).get(reverse("petitions:mine")).content.decode()
    assert 'data-testid="quota"' in html and "已完成 1" in html


# ---- create and edit -----------------------------------------------------------------------------


def test_it_submits_from_the_form_with_photos(cast, login):
    data = {**item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "period": "2026-03",
            "files": [SimpleUploadedFile("a.jpg", PNG), SimpleUploadedFile("b.pdf", PDF)], "submit": "1"}
    response = login(cast.deputy).post(reverse("petitions:create"), data)
    item = Item.objects.get()
    assert response.status_code == 302 and item.state == State.SUBMITTED
    assert str(item.period) == "2026-03-01"
    assert sorted(a.content_type for a in item.attachments.all()) == ["application/pdf", "image/png"]


def test_it_saves_a_draft_without_submitting(cast, login):
    login(cast.deputy).post(reverse("petitions:create"), {"title": "先存草稿", "source": "visit", "save_draft": "1"})
    assert Item.objects.get().state == State.DRAFT


def test_it_keeps_what_was_typed_when_submitting_incomplete(cast, login):
    # Issue 10: a refused submit re-renders the form with the missing fields marked (test_item_form.py);
    # nothing is saved, and what was typed is still in the form.
    response = login(cast.deputy).post(reverse("petitions:create"), {"title": "缺内容", "source": "visit",
                                                                      "submit": "1"}, follow=True)
    assert not Item.objects.exists()
    assert "未能提交" in response.content.decode() and 'value="缺内容"' in response.content.decode()


def test_it_lets_staff_enter_for_a_deputy(cast, login):
    data = {**item_data(), "deputy": cast.deputy.deputy.pk, "area": cast.dongshan_staff.area.pk,
            "source": "reception", "submit": "1"}
    login(cast.dongshan_staff).post(reverse("petitions:create"), data)
    item = Item.objects.get()
    assert item.on_behalf and item.deputy == cast.deputy.deputy and item.entered_by == cast.dongshan_staff


def test_it_refuses_editing_after_submission(cast, login):
    item = make(cast, State.SUBMITTED)
    response = login(cast.deputy).get(reverse("petitions:edit", args=[item.pk]))
    assert response.status_code == 302


# ---- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "x" * 100_000])
def test_it_rejects_empty_or_huge_fields_without_a_500(cast, login, value):
    client = login(cast.deputy)
    response = client.post(reverse("petitions:create"), {**item_data(), "title": value, "content": value,
                                                          "area": cast.dongshan_staff.area.pk, "source": "visit"})
    assert response.status_code == 200 and not Item.objects.exists()
    item = make(cast, State.EVALUATION)
    response = login(cast.deputy).post(reverse("petitions:action", args=[item.pk, "evaluate"]),
                                       {"satisfaction": "dissatisfied", "comment": value}, follow=True)
    item.refresh_from_db()
    assert response.status_code == 200 and item.state == State.EVALUATION


def test_it_shows_html_as_text(cast, login):
    item = make(cast, State.RESEARCH, title="<script>alert(1)</script>", content="<img src=x onerror=alert(2)>")
    html = login(cast.staff).get(reverse("petitions:detail", args=[item.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_it_refuses_a_wrong_file_renamed_to_jpg(cast, login):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = login(cast.deputy).post(reverse("petitions:create"), {
        **item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "files": [fake], "submit": "1"})
    assert response.status_code == 200 and "不是图片、PDF 或 Office 文档" in response.content.decode()
    assert not Item.objects.exists()


def test_it_refuses_files_over_the_size_limit(cast, login, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
    response = login(cast.deputy).post(reverse("petitions:create"), {
        **item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit", "files": [big], "submit": "1"})
    assert "超过大小限制" in response.content.decode() and not Item.objects.exists()


def test_it_refuses_a_bad_attachment_on_an_action_and_changes_nothing(cast, login):
    item = make(cast, State.HANDLING)
    response = login(cast.zhujian).post(reverse("petitions:action", args=[item.pk, "submit_result"]), {
        "result": "好了", "files": [SimpleUploadedFile("r.jpg", b"<html>not an image</html>")]}, follow=True)
    item.refresh_from_db()
    assert response.status_code == 200 and item.state == State.HANDLING
    assert "未能办理" in response.content.decode()


def test_it_answers_a_get_on_an_action_with_405_and_unknown_actions_with_404(cast, login):
    item = make(cast, State.SUBMITTED)
    client = login(cast.staff)
    assert client.get(reverse("petitions:action", args=[item.pk, "start_research"])).status_code == 405
    assert client.post(reverse("petitions:action", args=[item.pk, "explode"])).status_code == 404
    response = client.post(reverse("petitions:action", args=[item.pk, "merge"]), {"into": "abc"})
    assert response.status_code == 200 and "请输入事项编号" in response.content.decode()
    item.refresh_from_db()
    assert item.state == State.SUBMITTED


def test_it_lets_staff_bulk_assign(cast, login):
    a, b = make(cast, State.SUBMITTED), make(cast, State.RESEARCH)
    response = login(cast.staff).post(reverse("petitions:bulk_assign"), {
        "items": [a.pk, b.pk], "lead_unit": cast.zhujian.unit.pk})
    assert response.status_code == 302
    assert set(Item.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {State.HANDLING}


def test_it_saves_deadline_settings(cast, login):
    response = login(cast.staff).post(reverse("petitions:settings"), {
        "research_workdays": 3, "handling_workdays": 10, "extension_max_workdays": 10, "evaluation_days": 5,
        "return_window_workdays": 5, "due_soon_workdays": 1})
    assert response.status_code == 302
    assert ItemSettings.load().handling_workdays == 10 and ItemSettings.load().updated_by == cast.staff


def test_it_serves_attachments_only_through_the_scoped_view(cast, login):
    data = {**item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit",
            "files": [SimpleUploadedFile("a.png", PNG)], "submit": "1"}
    login(cast.deputy).post(reverse("petitions:create"), data)
    attachment = Attachment.objects.get()
    response = login(cast.staff).get(reverse("petitions:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert login(cast.renwei_staff).get(reverse("petitions:attachment", args=[attachment.pk])).status_code == 404
    assert attachment.item.events.filter(action=Action.CREATE).exists()


# ------------------------------------------------------------------ unknown years point to 节假日安排


@pytest.fixture
def fresh_calendar():
    from core import workdays

    workdays.clear_caches()
    yield
    workdays.clear_caches()  # the entered schedule is rolled back: do not let it stay cached


def test_it_sends_staff_to_the_holiday_schedule_for_a_year_without_one(cast, login, fresh_calendar):
    from tests.holidays.helpers import enter_2027

    client = login(cast.staff)
    html = client.get(reverse("petitions:settings")).content.decode()
    assert "尚未录入 2027 年的节假日安排" in html and "chinesecalendar" not in html and "升级" not in html
    link = f'href="{reverse("holidays:year", args=[2027])}" data-testid="calendar-link">在“节假日安排”中录入 2027 年</a>'
    assert link in html
    enter_2027(cast)
    html = client.get(reverse("petitions:settings")).content.decode()
    assert 'data-testid="calendar-warning"' not in html and 'data-testid="calendar-link"' not in html


def test_the_admin_points_to_the_holiday_schedule_with_a_link_only_for_who_may_open_it(cast, login, fresh_calendar):
    from django.contrib.auth.models import Permission

    from accounts.models import User

    url = reverse("admin:petitions_itemsettings_changelist")
    messages = [str(m) for m in login(cast.admin).get(url).context["messages"]]
    assert messages == ["尚未录入 2027 年的节假日安排(法定节假日与调休上班日),这些年份暂按周一至周五计算工作日。 "
                        f'<a href="{reverse("holidays:year", args=[2027])}">在“节假日安排”中录入 2027 年</a>']
    viewer = User.objects.create_user(username="viewer", password="pw-for-tests-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_itemsettings"))
    response = login(viewer).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未录入 2027 年的节假日安排" in html and "请区人大工作人员在“节假日安排”中录入。" in html
    assert reverse("holidays:year", args=[2027]) not in html and "chinesecalendar" not in html


def test_it_refuses_a_bulk_assign_without_items_in_chinese_and_keeps_the_choices(cast, login):
    make(cast, State.RESEARCH)
    response = login(cast.staff).post(reverse("petitions:bulk_assign"), {"lead_unit": cast.zhujian.unit.pk,
                                                                         "comment": "请尽快办理"})
    html = response.content.decode()
    assert response.status_code == 200 and "请至少勾选一件事项" in html and "请尽快办理" in html


def test_it_refuses_a_bulk_assign_of_an_item_a_colleague_just_handled(cast, login):
    a, b = make(cast, State.RESEARCH), make(cast, State.HANDLING)  # b left 待研处 a moment ago
    response = login(cast.staff).post(reverse("petitions:bulk_assign"), {
        "items": [a.pk, b.pk], "lead_unit": cast.zhujian.unit.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "已不在待研处" in html
    assert f'value="{a.pk}" id="bulk-{a.pk}" checked' in html
    assert Item.objects.get(pk=a.pk).state == State.RESEARCH


def test_it_keeps_the_extension_of_an_attachment_name_over_200_characters(cast, login):
    long_name = "关于周庄社区路灯维修情况的说明" * 20 + ".pdf"  # 304 characters
    data = {**item_data(), "area": cast.dongshan_staff.area.pk, "source": "visit",
            "files": [SimpleUploadedFile(long_name, PDF)], "submit": "1"}
    login(cast.deputy).post(reverse("petitions:create"), data)
    attachment = Attachment.objects.get()
    assert attachment.name.endswith(".pdf") and len(attachment.name) == 200
    assert attachment.name[:-4] == long_name[:196] and attachment.file.name.endswith(".pdf")
