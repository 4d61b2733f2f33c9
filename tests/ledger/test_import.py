import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from areas.models import Area
from ledger.models import LedgerRow
from ledger.services import ledger_import
from petitions.choices import Action, Conclusion, Satisfaction, State
from petitions.models import Item
from tests import factories
from tests.access import ViewAccessCases
from units.models import HandlingUnit

pytestmark = pytest.mark.django_db

HEAD = ["编号", "标题", "内容", "类别", "提交代表", "所属区划", "所属月份", "提交日期", "状态", "承办单位", "交办日期",
        "办理期限", "办结日期", "评价", "备注(忽略)"]
D = datetime.date


def workbook(rows, head=HEAD) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def good_rows():
    return [
        ["TZ-2022-001", "路灯不亮", "周庄社区路灯", "城乡建设", "刘芳", "东山街道", "2022-04", D(2022, 4, 6), "已办结",
         "相山区住房和城乡建设局", D(2022, 4, 8), D(2022, 4, 29), D(2022, 4, 20), "满意", "x"],
        ["TZ-2022-002", "雨污管网堵塞", "", "生态环境", "刘芳、赵强", "", "2022年5月", "2022-05-03", "办理中",
         "区住建局", "2022-05-05", "2022-05-26", None, None, ""],
        ["TZ-2022-003", "重复反映", "", "其他", "赵强", "任圩街道", "2022-05", D(2022, 5, 9), "不予受理", None, None,
         None, D(2022, 5, 12), None, ""],
        ["TZ-2022-004", "道路维修", "", "城乡建设", "张伟", "", None, D(2022, 6, 1), "待评价", "已撤并的老单位",
         D(2022, 6, 2), D(2022, 6, 23), D(2022, 6, 20), None, ""],
    ]


def test_it_imports_a_ledger_with_a_timeline_and_marks_items_imported(cast):
    report = ledger_import(file=workbook(good_rows()), dry_run=False, create_units=True, filename="2022.xlsx",
                           actor=cast.staff)
    assert report.ok and report.created == 4, report.refused
    first = LedgerRow.objects.get(number="TZ-2022-001").item
    assert first.imported and first.state == State.CLOSED and first.satisfaction == Satisfaction.SATISFIED
    assert first.conclusion == Conclusion.EVALUATED and first.period == D(2022, 4, 1)
    assert first.area.name == "东山街道" and first.lead_unit.name == "相山区住房和城乡建设局"
    assert [e.action for e in first.events.order_by("created_at")] == [
        Action.SUBMIT, Action.ASSIGN, Action.SUBMIT_RESULT, Action.PASS_ON, Action.EVALUATE]
    assert first.assignments.get().on_time is True
    second = LedgerRow.objects.get(number="TZ-2022-002").item
    assert second.state == State.HANDLING and second.stage_due == D(2022, 5, 26) and second.period == D(2022, 5, 1)
    assert second.lead_unit.short_name == "区住建局" and list(second.co_deputies.values_list("name", flat=True)) == ["赵强"]
    third = LedgerRow.objects.get(number="TZ-2022-003").item
    assert third.state == State.CLOSED and third.conclusion == Conclusion.REJECTED
    assert third.area.name == "任圩街道"
    fourth = LedgerRow.objects.get(number="TZ-2022-004").item
    assert fourth.state == State.EVALUATION and HandlingUnit.objects.filter(name="已撤并的老单位").exists()


def test_it_changes_nothing_when_the_same_file_is_imported_again(cast):
    ledger_import(file=workbook(good_rows()), dry_run=False, create_units=True)
    before = (Item.objects.count(), LedgerRow.objects.count())
    report = ledger_import(file=workbook(good_rows()), dry_run=False, create_units=True)
    assert report.ok and report.created == 0 and len(report.unchanged) == 4
    assert (Item.objects.count(), LedgerRow.objects.count()) == before


def test_it_writes_nothing_on_a_dry_run_and_lists_units_it_would_create(cast):
    report = ledger_import(file=workbook(good_rows()), dry_run=True, create_units=True)
    assert report.ok and len(report.new) == 4 and report.units_to_create == ["已撤并的老单位"]
    assert not Item.objects.exists()


def test_it_refuses_bad_rows_with_row_numbers_and_writes_nothing(cast):
    twin = factories.DeputyFactory(name="赵强", area=Area.objects.get(name="东山街道"))
    factories.MandateFactory(deputy=twin, term=cast.renwei_deputy.deputy_profile.mandates.first().term)
    rows = good_rows()
    rows[0][4] = "查无此人"  # unknown deputy, row 2
    rows[1][4] = "赵强"  # shared name without area, row 3
    rows[2][8] = "已归档"  # unknown state, row 4
    rows[3][12] = D(2022, 5, 1)  # concluded before assigned, row 5
    rows.append(["TZ-2022-005", "x", "", "", "刘芳", "", "", D(2022, 7, 1), "已办结", "不存在的局", D(2022, 7, 2),
                 None, D(2022, 7, 9), "很好", ""])  # unknown unit and evaluation, row 6
    report = ledger_import(file=workbook(rows), dry_run=False, create_units=False)
    assert not report.ok and report.created == 0
    reasons = {r.row: r.reason for r in report.refused}
    assert set(reasons) == {2, 3, 4, 5, 6}
    assert "不在代表名册" in reasons[2] and "重名" in reasons[3] and "未知状态" in reasons[4]
    assert "办结日期早于交办日期" in reasons[5]
    assert "承办单位“不存在的局”不存在" in reasons[6] and "未知评价" in reasons[6]
    assert not Item.objects.exists() and not HandlingUnit.objects.filter(name="不存在的局").exists()


def test_it_tells_shared_names_apart_by_area(cast):
    twin = factories.DeputyFactory(name="赵强", area=Area.objects.get(name="东山街道"))
    factories.MandateFactory(deputy=twin, term=cast.renwei_deputy.deputy_profile.mandates.first().term)
    rows = [good_rows()[2]]  # 赵强 in 任圩街道
    report = ledger_import(file=workbook(rows), dry_run=False)
    assert report.ok
    assert Item.objects.get().deputy == cast.renwei_deputy.deputy_profile


def test_the_command_exits_non_zero_when_a_row_is_refused(cast, tmp_path):
    path = tmp_path / "ledger.xlsx"
    rows = good_rows()
    path.write_bytes(workbook(rows).getvalue())
    with pytest.raises(CommandError):
        call_command("import_items", str(path), "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_items", str(path), "--dry-run", "--create-units", stdout=out, stderr=io.StringIO())
    assert "将创建承办单位:已撤并的老单位" in out.getvalue() and not Item.objects.exists()
    call_command("import_items", str(path), "--create-units", stdout=io.StringIO())
    assert Item.objects.filter(imported=True).count() == 4


def test_imported_items_count_on_the_dashboards(cast):
    ledger_import(file=workbook(good_rows()), dry_run=False, create_units=True)
    out = io.StringIO()
    call_command("stats", "--from", "2022-04-01", "--to", "2022-06-30", "--json", stdout=out)
    import json

    data = json.loads(out.getvalue())
    assert data["collected"] == 4 and data["concluded"] == 2 and data["completion_rate"] == 50.0


class TestImportPage(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = ("leader", "dongshan_staff", "zhujian", "deputy")

    def url(self, cast):
        return reverse("ledger:import")


class TestDryRun(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("leader", "dongshan_staff", "zhujian", "deputy")

    def url(self, cast):
        return reverse("ledger:dry_run")

    def data(self, cast):
        f = workbook(good_rows())
        f.name = "ledger.xlsx"
        return {"file": f, "create_units": "on"}


class TestConfirm(ViewAccessCases):
    method = "post"
    allowed = ("staff",)
    forbidden = ("leader", "zhujian", "deputy")

    def url(self, cast):
        return reverse("ledger:confirm")

    def data(self, cast):
        return {"token": "0" * 32}


def test_it_imports_through_the_page_after_a_dry_run(cast, login):
    client = login(cast.staff)
    f = workbook(good_rows())
    f.name = "ledger.xlsx"
    response = client.post(reverse("ledger:dry_run"), {"file": f, "create_units": "on"})
    assert response.status_code == 200 and not Item.objects.exists()
    assert "已撤并的老单位" in response.content.decode()
    token = response.context["token"]
    response = client.post(reverse("ledger:confirm"), {"token": token, "create_units": "on", "filename": "ledger.xlsx"})
    assert response.status_code == 302 and Item.objects.filter(imported=True).count() == 4
    # The uploaded file is gone: confirming twice does nothing.
    client.post(reverse("ledger:confirm"), {"token": token, "create_units": "on"})
    assert Item.objects.count() == 4


def _dry_run(client, *, create_units=True):
    f = workbook(good_rows())
    f.name = "ledger.xlsx"
    response = client.post(reverse("ledger:dry_run"), {"file": f, **({"create_units": "on"} if create_units else {})})
    assert response.status_code == 200
    return response.context["token"]


def test_it_does_not_let_another_user_confirm_my_staged_upload(cast):
    from django.test import Client

    mine, theirs = Client(), Client()
    mine.force_login(cast.staff)
    theirs.force_login(cast.admin)
    token = _dry_run(mine)
    response = theirs.post(reverse("ledger:confirm"), {"token": token}, follow=True)
    assert "导入已过期" in response.content.decode() and not Item.objects.exists()
    # Still mine to confirm, with the options of my dry run.
    mine.post(reverse("ledger:confirm"), {"token": token})
    assert Item.objects.filter(imported=True).count() == 4


def test_it_imports_with_the_options_of_the_dry_run_not_the_posted_ones(cast, login):
    client = login(cast.staff)
    token = _dry_run(client, create_units=False)  # refused: a unit is unknown, nothing staged
    assert token == ""
    rows = [good_rows()[0]]
    f = workbook(rows)
    f.name = "one.xlsx"
    token = client.post(reverse("ledger:dry_run"), {"file": f}).context["token"]
    client.post(reverse("ledger:confirm"), {"token": token, "create_units": "on", "filename": "forged.xlsx"})
    assert LedgerRow.objects.get().source_file == "one.xlsx"


def test_it_sweeps_old_staged_uploads(cast, login, settings, tmp_path):
    import os
    import time

    settings.MEDIA_ROOT = str(tmp_path)
    client = login(cast.staff)
    old = _dry_run(client)
    staged = list((tmp_path / "ledger-uploads").glob(f"{old}.*"))
    assert len(staged) == 1
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(staged[0], (two_days_ago, two_days_ago))
    new = _dry_run(client)
    assert not staged[0].exists() and list((tmp_path / "ledger-uploads").glob(f"{new}.*"))
    response = client.post(reverse("ledger:confirm"), {"token": old}, follow=True)
    assert "导入已过期" in response.content.decode() and not Item.objects.exists()


def test_it_reports_an_impossible_date_in_plain_chinese(cast):
    rows = good_rows()
    rows[0][7] = "2022-02-30"
    rows[1][6] = "0000-05"
    report = ledger_import(file=workbook(rows), dry_run=True, create_units=True)
    reasons = {r.row: r.reason for r in report.refused}
    assert "提交日期“2022-02-30”不是有效日期" in reasons[2] and "out of range" not in reasons[2]
    assert "所属月份“0000-05”无法识别" in reasons[3]


def test_it_reports_a_formula_title_and_a_merged_deputy_cell_as_such(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in good_rows()[:3]:
        ws.append(r)
    ws["B2"] = '=CONCATENATE("路灯","不亮")'  # openpyxl saves no result: what a never-calculated file holds
    ws["E3"] = "刘芳"
    ws.merge_cells("E3:E4")  # 提交代表 of rows 3 and 4 in one merged cell
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    reasons = {r.row: r.reason for r in ledger_import(file=buf, dry_run=True, create_units=True).refused}
    assert "“标题”是公式" in reasons[2] and "缺少标题" not in reasons[2]
    assert "“提交代表”是与第 3 行合并的单元格" in reasons[4] and "缺少提交代表" not in reasons[4]
    assert 3 not in reasons


def test_it_cleans_control_characters_from_ledger_cells(cast):
    rows = good_rows()
    rows[0][1] = "路灯_x000B_不亮_x0001_"  # how Excel stores Shift+Enter and a control character
    report = ledger_import(file=workbook(rows), dry_run=False, create_units=True)
    assert report.ok, report.refused
    assert LedgerRow.objects.get(number="TZ-2022-001").item.title == "路灯\n不亮"
