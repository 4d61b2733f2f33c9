"""Every download of the project: a Chinese file name with its period, RFC 5987 encoded with an ASCII
fallback (core/downloads.py), and rates written as fractions shown as percentages."""

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.downloads import Rate, append, content_disposition
from tests.assessments.fixtures import YEAR
from tests.assessments.test_views import computed
from tests.dashboards.conftest import build_random

pytestmark = pytest.mark.django_db


def disposition(name: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def test_it_encodes_a_chinese_name_with_an_ascii_fallback():
    assert content_disposition("单位排名-2026年.xlsx") == (
        "attachment; filename=\"2026.xlsx\"; "
        "filename*=UTF-8''%E5%8D%95%E4%BD%8D%E6%8E%92%E5%90%8D-2026%E5%B9%B4.xlsx")
    assert content_disposition("a b\"c;.xlsx", fallback='x"y.xlsx').startswith('attachment; filename="x_y.xlsx";')


def test_it_writes_a_rate_as_a_fraction_in_percent_format():
    wb = Workbook()
    append(wb.active, ["x", Rate(85.2), Rate(None)])
    wb.save(buf := io.BytesIO())
    ws = load_workbook(buf).active
    assert (ws["B1"].value, ws["B1"].number_format) == (0.852, "0.0%")
    assert ws["C1"].value is None


DASHBOARD = [
    ("headline", "主要指标"), ("units", "单位排名"), ("areas", "分区划统计"), ("groups", "分代表小组统计"),
    ("trend", "月度趋势"), ("categories", "类别分布"), ("overdue", "分环节逾期"),
]


@pytest.mark.parametrize("table,name", DASHBOARD)
def test_it_names_dashboard_exports_in_chinese_with_the_period(cast, login, table, name):
    response = login(cast.staff).get(reverse("dashboards:export", args=[table]), {"period": "year", "year": "2026"})
    assert response["Content-Disposition"] == disposition(f"{name}-2026年.xlsx", f"{table}-20260101-20261231.xlsx")


def test_it_names_a_month_and_a_quarter_export_by_their_period(cast, login):
    client = login(cast.staff)
    month = client.get(reverse("dashboards:export", args=["units"]), {"period": "month", "year": "2026", "month": "3"})
    assert "filename*=UTF-8''" + quote("单位排名-2026年3月.xlsx", safe="") in month["Content-Disposition"]
    quarter = client.get(reverse("dashboards:export", args=["units"]),
                         {"period": "quarter", "year": "2026", "quarter": "2"})
    assert quote("单位排名-2026年第2季度.xlsx", safe="") in quarter["Content-Disposition"]


def test_it_names_the_submission_grid_and_the_drill_down_exports(cast, login):
    client = login(cast.staff)
    grid = client.get(reverse("dashboards:export", args=["grid"]), {"year": "2025"})
    assert grid["Content-Disposition"] == disposition("月度报送-2025年.xlsx", "submissions-2025.xlsx")
    items = client.get(reverse("dashboards:items_export"), {"from": "2025-01-01", "to": "2025-12-31",
                                                            "metric": "overdue"})
    assert items["Content-Disposition"] == disposition("逾期事项-2025-01-01至2025-12-31.xlsx",
                                                       "items-overdue-20250101-20251231.xlsx")


def test_it_writes_every_dashboard_rate_as_a_percentage(cast, login):
    build_random(cast)
    client = login(cast.staff)
    params = {"period": "range", "from": "2024-01-01", "to": "2025-12-31"}
    rate_columns = {"headline": None, "units": (5, 6, 7), "areas": (4, 5), "groups": (4, 5), "trend": (4,),
                    "categories": (4,)}
    for table, columns in rate_columns.items():
        ws = load_workbook(io.BytesIO(client.get(reverse("dashboards:export", args=[table]), params).content)).active
        rows = list(ws.iter_rows(min_row=3))
        if table == "headline":  # the rate rows: 办结率, 满意率, 按期办结率, 月度报送率
            rows, columns = [r for r in rows if str(r[0].value).endswith("率")], (2, 3)
        cells = [r[c - 1] for r in rows for c in columns if r[c - 1].value is not None]
        assert cells, table
        for cell in cells:
            assert cell.number_format == "0.0%" and -1 <= cell.value <= 1, (table, cell.coordinate, cell.value)


def test_it_names_the_roster_export_and_template(cast, login):
    client = login(cast.staff)
    roster = client.get(reverse("deputies:export"))
    assert roster["Content-Disposition"] == disposition("代表名册-20261126.xlsx", "roster-20261126.xlsx")
    template = client.get(reverse("deputies:import_template"))
    assert template["Content-Disposition"] == disposition("代表名册导入模板.xlsx", "roster-template.xlsx")


def test_it_names_the_holiday_import_template_by_its_year(cast, login):
    response = login(cast.staff).get(reverse("holidays:import_template"), {"year": 2027})
    assert response["Content-Disposition"] == disposition("节假日安排导入模板-2027年.xlsx",
                                                          "holidays-template-2027.xlsx")


def test_it_names_the_item_list_export(cast, login):
    response = login(cast.staff).get(reverse("petitions:list"), {"export": "xlsx"})
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="items-20261126.xlsx"; filename*=UTF-8\'\'')
    assert quote("社情民意-", safe="") in header and quote("-20261126.xlsx", safe="") in header


def test_it_names_the_assessment_notice_and_the_performance_record(cast, login):
    computed(cast, publish=True)
    client = login(cast.staff)
    notice = client.get(reverse("assessments:notice_xlsx", args=[YEAR]))
    assert notice["Content-Disposition"] == disposition(f"{YEAR}年度代表履职考核通报-全区.xlsx",
                                                        f"assessment-notice-{YEAR}.xlsx")
    ws = load_workbook(io.BytesIO(notice.content))["代表小组考核"]
    assert ws["F1"].value == "月度报送率"
    rates = [r[5] for r in ws.iter_rows(min_row=2) if r[5].value is not None]
    assert rates and all(c.number_format == "0.0%" and 0 <= c.value <= 1 for c in rates)
    deputy = cast.deputy.deputy
    record = client.get(reverse("assessments:record_xlsx", args=[deputy.pk]))
    header = record["Content-Disposition"]
    assert header.startswith(f'attachment; filename="record-{deputy.pk}-') and quote("履职档案-刘芳-", safe="") in header


def test_every_download_is_named_through_the_one_helper():
    """A download that sets Content-Disposition itself would miss the Chinese name, the ASCII fallback or
    the rate format: only core/downloads.py writes the header (uploaded attachments go through FileResponse)."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    apps = [d for d in root.iterdir() if d.is_dir() and (d / "__init__.py").exists() and d.name not in {"tests", "bench"}]
    for path in (p for app in apps for p in app.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel == "core/downloads.py":
            continue
        text = path.read_text(encoding="utf-8")
        if '["Content-Disposition"]' in text or "content_disposition_header" in text:
            offenders.append(rel)
    assert offenders == []
