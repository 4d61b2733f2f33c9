import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.periods import Period, Scope
from dashboards.selectors import headline, rate, stats, submission_counts
from petitions.choices import State
from petitions.models import Item
from units.models import HandlingUnit

from .builders import at
from .conftest import build_random
from .recount import recount

pytestmark = pytest.mark.django_db


def run_stats(*args) -> dict:
    out = io.StringIO()
    call_command("stats", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_rounds_rates_half_up_to_one_decimal():
    assert rate(4236, 4530) == Decimal("93.5")
    assert rate(1, 16) == Decimal("6.3")  # 6.25: half up, not half even
    assert rate(1, 8) == Decimal("12.5")
    assert rate(0, 0) is None
    assert rate(3, 3) == Decimal("100.0")


def test_it_shows_the_article_numbers_on_page_export_and_command(cast, login, frozen):
    """4,530 collected, 4,236 concluded → 93.5% (DOMAIN.md's article)."""
    deputy = cast.deputy.deputy_profile
    base = dict(deputy=deputy, title="t", period=datetime.date(2023, 1, 1), category="urban")
    rows = [Item(state=State.CLOSED if i < 4236 else State.HANDLING, submitted_at=at(datetime.date(2023, 1, 1)
                 + datetime.timedelta(days=i % 150)), **base) for i in range(4530)]
    rows += [Item(state=State.WITHDRAWN, submitted_at=at(datetime.date(2023, 2, 1)), **base),
             Item(state=State.DRAFT, **base)]
    Item.objects.bulk_create(rows)
    data = run_stats("--from", "2022-04-01", "--to", "2023-05-31")
    assert (data["collected"], data["concluded"], data["completion_rate"]) == (4530, 4236, 93.5)
    response = login(cast.leader).get(reverse("dashboards:overview"), {"period": "range", "from": "2022-04-01",
                                                                        "to": "2023-05-31"})
    html = response.content.decode()
    assert 'data-testid="figure-completion_rate">93.5%' in html
    assert ">4530</a>" in html and ">4236</a>" in html
    xlsx = login(cast.leader).get(reverse("dashboards:export", args=["headline"]),
                                  {"period": "range", "from": "2022-04-01", "to": "2023-05-31"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert values["收集数"] == 4530 and values["办结数"] == 4236 and values["办结率"] == 0.935  # shown as 93.5%
    assert "2022-04-01至2023-05-31" in ws.title and "全区" in ws.title


@pytest.mark.parametrize("start,end", [("2025-01-01", "2025-12-31"), ("2024-03-10", "2025-02-28"),
                                       ("2025-06-01", "2025-06-30")])
def test_it_agrees_with_a_plain_recount_on_page_export_and_command(cast, login, frozen, start, end):
    build_random(cast)
    s, e = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    expected = recount(s, e, frozen)
    data = run_stats("--from", start, "--to", end)
    for key in ("collected", "concluded", "completion_rate", "satisfaction_rate", "on_time_rate", "overdue"):
        assert data[key] == expected[key], key
    assert {u["name"]: {k: v for k, v in u.items() if k != "name"} for u in data["units"]} == expected["units"]

    client = login(cast.staff)
    params = {"period": "range", "from": start, "to": end}
    ctx = client.get(reverse("dashboards:overview"), params).context
    cur = ctx["cur"]
    assert (cur.collected, cur.concluded, cur.overdue) == (expected["collected"], expected["concluded"], expected["overdue"])
    page_units = {u["name"]: u for u in ctx["units"]}
    for name, u in expected["units"].items():
        assert page_units[name]["assigned"] == u["assigned"] and page_units[name]["overdue"] == u["overdue"]
    ws = load_workbook(io.BytesIO(client.get(reverse("dashboards:export", args=["units"]), params).content)).active
    exported = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    for name, u in expected["units"].items():
        row = exported[name]
        fraction = [None if r is None else round(r / 100, 4) for r in
                    (u["completion_rate"], u["on_time_rate"], u["satisfaction_rate"])]
        assert [row[2], row[3], *(None if v is None else round(v, 4) for v in row[4:7]), row[7]] == [
            u["assigned"], u["concluded"], *fraction, u["overdue"]]
    # Ranked lowest completion first.
    rates = [r[4] for r in exported.values()]
    assert rates == sorted(rates)


def test_it_scopes_the_command_by_area_and_unit(cast, frozen):
    build_random(cast)
    data = run_stats("--from", "2024-01-01", "--to", "2025-12-31", "--area", "任圩街道")
    expected = recount(datetime.date(2024, 1, 1), datetime.date(2025, 12, 31), frozen, area_names={"任圩街道"})
    assert (data["collected"], data["concluded"], data["overdue"]) == (
        expected["collected"], expected["concluded"], expected["overdue"])
    unit = HandlingUnit.objects.get(name="相山区住房和城乡建设局")
    data = run_stats("--from", "2024-01-01", "--to", "2025-12-31", "--unit", unit.name)
    expected = recount(datetime.date(2024, 1, 1), datetime.date(2025, 12, 31), frozen, unit=unit)
    for key in ("collected", "concluded", "completion_rate", "satisfaction_rate", "on_time_rate"):
        assert data[key] == expected[key], key
    assert [u["name"] for u in data["units"]] == [unit.name]
    assert data["monthly_submission_rate"] is None


def test_it_prints_null_rates_when_nothing_was_collected(cast, frozen):
    data = run_stats("--from", "2020-01-01", "--to", "2020-01-31")
    assert data["collected"] == 0 and data["completion_rate"] is None and data["units"] == []
    assert set(data) >= {"collected", "concluded", "completion_rate", "satisfaction_rate", "on_time_rate", "overdue",
                         "monthly_submission_rate", "units"}


def test_it_includes_both_ends_of_the_period_in_local_time(cast, frozen):
    from .builders import make_item

    d = cast.deputy.deputy_profile
    make_item(d, submitted=datetime.date(2025, 3, 1), hour=0)  # 00:00 Beijing = previous day in UTC
    make_item(d, submitted=datetime.date(2025, 3, 31), hour=23)
    make_item(d, submitted=datetime.date(2025, 4, 1), hour=0)
    assert run_stats("--from", "2025-03-01", "--to", "2025-03-31")["collected"] == 2


def test_it_counts_monthly_submission_by_deputy_month(cast, frozen):
    from .builders import make_item

    # Three in-office deputies owe Jan–Mar 2026: 9 deputy-months. 刘芳 met Jan and Feb (two items in Jan),
    # 赵强 met Mar; a withdrawn item does not count.
    liu, zhao, zhang = (cast.deputy.deputy_profile, cast.renwei_deputy.deputy_profile,
                        cast.group_leader.deputy_profile)
    make_item(liu, submitted=datetime.date(2026, 1, 5))
    make_item(liu, submitted=datetime.date(2026, 1, 9))
    make_item(liu, submitted=datetime.date(2026, 2, 5))
    make_item(zhao, submitted=datetime.date(2026, 3, 5))
    make_item(zhang, submitted=datetime.date(2026, 3, 6), state=State.WITHDRAWN)
    period = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert submission_counts(period, Scope()) == (3, 9)
    cur, _prev = headline(period, Scope())
    assert cur.monthly_submission_rate == Decimal("33.3")
    assert stats(period, Scope())["monthly_submission_rate"] == 33.3
