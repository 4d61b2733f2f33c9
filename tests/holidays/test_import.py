"""The .xlsx import of a year's schedule: template, dry run → confirm, all or nothing, refusals naming
row, column, value and reason; access."""

import datetime as dt
import io
import os
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.workdays import is_workday
from holidays.choices import EntryKind
from holidays.models import CalendarEntry
from tests.access import ViewAccessCases

from .helpers import enter, workbook

pytestmark = pytest.mark.django_db

FORBIDDEN = ("dongshan_staff", "zhujian", "deputy", "leader")
GOOD = [("节假日", "元旦", dt.datetime(2027, 1, 1), dt.datetime(2027, 1, 3)),
        ("节假日", "春节", "2027-02-06", "2027/2/12"),
        ("调休上班", "春节调休", "2027年2月20日", None)]


def upload(client, rows=GOOD, year=2027, name="2027年节假日.xlsx", data=None):
    file = SimpleUploadedFile(name, data if data is not None else workbook(rows))
    return client.post(reverse("holidays:import"), {"year": year, "file": file})


class TestImportPage(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = FORBIDDEN

    def url(self, cast):
        return reverse("holidays:import")


class TestImportTemplate(ViewAccessCases):
    allowed = ("staff", "admin")
    forbidden = FORBIDDEN

    def url(self, cast):
        return reverse("holidays:import_template") + "?year=2027"


def test_it_offers_a_template_with_the_headers_and_no_row_that_would_be_imported(login, cast):
    response = login(cast.staff).get(reverse("holidays:import_template"), {"year": 2027})
    assert response.status_code == 200
    assert "节假日安排导入模板-2027年.xlsx" in unquote(response["Content-Disposition"])
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows == [("类型", "名称", "开始日期", "结束日期")]
    assert wb.sheetnames[1] == "填写说明"


def test_the_dry_run_writes_nothing_and_the_confirmation_writes_the_year(login, cast):
    client = login(cast.staff)
    response = upload(client)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200 and "可导入 3 项,拒绝 0 处" in html and "春节调休" in html
    assert not CalendarEntry.objects.exists()
    assert is_workday(dt.date(2027, 1, 1))
    done = client.post(reverse("holidays:import_confirm", args=[response["Location"].rstrip("/").split("/")[-1]]))
    assert done.status_code == 302 and done["Location"] == reverse("holidays:year", args=[2027])
    assert list(CalendarEntry.objects.order_by("start").values_list("kind", "name", "start", "end")) == [
        (EntryKind.HOLIDAY, "元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3)),
        (EntryKind.HOLIDAY, "春节", dt.date(2027, 2, 6), dt.date(2027, 2, 12)),
        (EntryKind.WORKDAY, "春节调休", dt.date(2027, 2, 20), dt.date(2027, 2, 20))]
    assert not is_workday(dt.date(2027, 1, 1)) and is_workday(dt.date(2027, 2, 20))
    assert CalendarEntry.history.filter(history_user=cast.staff, history_type="+").count() == 3


def test_it_replaces_what_the_year_had_and_leaves_other_years(login, cast):
    enter(cast, 2027, EntryKind.HOLIDAY, "旧的春节", dt.date(2027, 2, 1), dt.date(2027, 2, 3))
    enter(cast, 2028, EntryKind.HOLIDAY, "元旦", dt.date(2028, 1, 1))
    client = login(cast.staff)
    response = upload(client)
    assert "已录入的 1 项将被文件内容替换" in client.get(response["Location"]).content.decode()
    client.post(response["Location"] + "confirm/")
    assert set(CalendarEntry.objects.filter(year=2027).values_list("name", flat=True)) == {"元旦", "春节", "春节调休"}
    assert CalendarEntry.objects.filter(year=2028).count() == 1
    assert CalendarEntry.history.filter(name="旧的春节", history_type="-", history_user=cast.staff).exists()


def test_it_lists_every_refused_row_with_its_column_value_and_reason_and_imports_nothing(login, cast):
    rows = [("节假日", "元旦", "2027-01-01", "2027-01-03"),
            ("放年假", "春节", "2027-02-06", "2027-02-12"),  # row 3: unknown kind
            ("节假日", "春节", "2027-02-12", "2027-02-06"),  # row 4: end before start
            ("节假日", "元旦补", "2027-01-02", "2027-01-04"),  # row 5: overlaps row 2
            ("调休上班", "调休", "2027-01-02", None),  # row 6: inside 元旦
            ("调休上班", "调休", "2027-02-17", None),  # row 7: a Wednesday
            ("节假日", "国庆节", "2028-10-01", "2028-10-07"),  # row 8: another year
            ("节假日", "", "2027-05-01", "2027-05-05"),  # row 9: no name
            ("节假日", "端午节", "2027-06-31", None)]  # row 10: no such day
    client = login(cast.staff)
    response = upload(client, rows)
    preview = client.get(response["Location"])
    html = preview.content.decode()
    refused = {(r.row, r.column, r.value) : r.reason for r in preview.context["parsed"].refusals}
    assert refused[(3, "类型", "放年假")] == "类型应为“节假日”或“调休上班”"
    assert "早于开始日期" in refused[(4, "结束日期", "2027-02-06")]
    assert "与节假日“元旦”(2027-01-01 至 2027-01-03)的日期重叠" in refused[(5, "开始日期", "2027-01-02")]
    assert "调休上班日落在节假日“元旦”" in refused[(6, "开始日期", "2027-01-02")]
    assert "星期三,本来就是工作日" in refused[(7, "开始日期", "2027-02-17")]
    assert "日期不属于 2027 年的安排" in refused[(8, "开始日期", "2028-10-01")]
    assert "请填写名称" in refused[(9, "名称", "")]
    assert refused[(10, "开始日期", "2027-06-31")] == "日期不存在"
    assert 'data-row="3"' in html and "放年假" in html and 'data-testid="import-confirm"' not in html
    confirm = client.post(response["Location"] + "confirm/")
    assert confirm.status_code == 302
    assert not CalendarEntry.objects.exists()


def test_it_refuses_a_file_that_is_not_a_workbook_and_keeps_the_year(login, cast):
    client = login(cast.staff)
    response = upload(client, name="节假日.xlsx", data=b"not a workbook at all", year=2028)
    assert response.status_code == 400
    html = response.content.decode()
    assert "这不是 Excel 工作簿" in html and 'value="2028"' in html
    response = upload(client, name="节假日.csv", data=b"a,b")
    assert response.status_code == 400 and "只能上传 .xlsx 文件" in response.content.decode()
    response = upload(client, data=workbook([("a", "b")], header=("甲", "乙")))
    assert response.status_code == 400 and "找不到表头行" in response.content.decode()
    response = upload(client, year="abc")
    assert response.status_code == 400 and "年份应是四位数字" in response.content.decode()
    assert not CalendarEntry.objects.exists()


def test_a_staged_import_belongs_to_the_session_that_uploaded_it(login, cast, client):
    response = upload(login(cast.staff))
    preview_url = response["Location"]
    client.logout()
    other = login(cast.admin)
    assert other.get(preview_url).status_code == 404
    assert other.post(preview_url + "confirm/").status_code == 404
    assert not CalendarEntry.objects.exists()


def test_it_stages_the_upload_through_core_staging_and_forgets_it_once_imported(login, cast, settings, tmp_path):
    """The calendar import keeps its file the way the roster and ledger imports do (core.staging): under
    its kind, remembered in the session; a file core.staging swept is gone for the preview too."""
    from core import staging
    from holidays import views

    settings.MEDIA_ROOT = tmp_path
    client = login(cast.staff)
    sent = workbook(GOOD)  # built once: a workbook carries its creation time, so two builds can differ
    token = upload(client, data=sent)["Location"].rstrip("/").split("/")[-1]
    data, stored = staging.upload_load(kind=views.STAGING_KIND, token=token)
    assert data == sent and stored == f"{token}.xlsx"
    assert client.session[views.SESSION_KEY][token] == {"year": 2027, "filename": "2027年节假日.xlsx"}
    client.post(reverse("holidays:import_confirm", args=[token]))
    assert CalendarEntry.objects.filter(year=2027).count() == 3
    assert staging.upload_load(kind=views.STAGING_KIND, token=token) is None
    assert token not in client.session[views.SESSION_KEY]

    token = upload(client)["Location"].rstrip("/").split("/")[-1]
    os.utime(tmp_path / views.STAGING_KIND / f"{token}.xlsx", (0, 0))  # staged long ago
    assert staging.upload_sweep(kind=views.STAGING_KIND) == 1
    assert client.get(reverse("holidays:import_preview", args=[token])).status_code == 404


def test_the_preview_and_confirmation_refuse_anonymous_and_other_roles(login, cast, client):
    response = upload(login(cast.staff))
    preview_url = response["Location"]
    client.logout()
    assert client.get(preview_url).status_code == 302
    assert reverse("login") in client.get(preview_url)["Location"]
    for name in FORBIDDEN:
        other = login(getattr(cast, name))
        assert other.get(preview_url).status_code == 403
        assert other.post(preview_url + "confirm/").status_code == 403
    assert login(cast.staff).get(preview_url + "confirm/").status_code == 405


def test_the_command_imports_a_year_or_refuses_and_writes_nothing(cast, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "2027.xlsx"
    good.write_bytes(workbook(GOOD))
    out = io.StringIO()
    call_command("import_holidays", str(good), "--year", "2027", "--dry-run", stdout=out)
    assert "可导入 3 项" in out.getvalue() and not CalendarEntry.objects.exists()
    call_command("import_holidays", str(good), "--year", "2027", "--user", "staff", stdout=out)
    assert CalendarEntry.objects.filter(year=2027, updated_by=cast.staff).count() == 3
    assert not is_workday(dt.date(2027, 1, 1))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([("节假日", "国庆节", "2027-10-07", "2027-10-01")]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_holidays", str(bad), "--year", "2027", stdout=out)
    assert "第 2 行 [拒绝] “结束日期”列“2027-10-01”" in out.getvalue()
    assert CalendarEntry.objects.filter(year=2027).count() == 3
