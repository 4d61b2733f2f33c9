"""The item list's ?export=xlsx: streamed in chunks from a write-only workbook in a temporary file, labels
looked up once (a fixed number of queries however many rows), every cell through core/downloads."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import downloads
from petitions.choices import State

from .helpers import make

pytestmark = pytest.mark.django_db


def export(client, **params):
    return client.get(reverse("petitions:list"), {"export": "xlsx", **params})


def test_the_response_is_produced_in_chunks(cast, login, monkeypatch):
    monkeypatch.setattr(downloads, "STREAM_CHUNK", 1024)
    items = [make(cast, State.HANDLING) for _ in range(3)]
    response = export(login(cast.staff))
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 1 and all(len(c) <= 1024 for c in chunks)
    body = b"".join(chunks)
    assert int(response["Content-Length"]) == len(body)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(body)).active.values)
    assert len(rows) == 4
    # The labels as the model shows them, looked up once instead of per row.
    item = items[-1]
    item.refresh_from_db()
    assert rows[1][:9] == (item.number, item.title, item.get_category_display(), item.get_source_display(),
                           item.deputy.name, item.area.name, item.period.strftime("%Y-%m"),
                           item.get_state_display(), item.lead_unit.name)
    assert rows[1][7] != State.HANDLING


def test_text_cells_stay_safe_in_the_streamed_file(cast, login):
    make(cast, State.SUBMITTED, title="=HYPERLINK(\"http://x\")")
    body = b"".join(export(login(cast.staff)).streaming_content)
    cell = load_workbook(io.BytesIO(body)).active.cell(row=2, column=2)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s" and cell.quotePrefix


def test_the_query_count_stays_constant_as_rows_grow(cast, login):
    client = login(cast.staff)
    make(cast, State.SUBMITTED)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        b"".join(export(client).streaming_content)
    for _ in range(4):
        make(cast, State.HANDLING)
    with CaptureQueriesContext(connection) as more:
        body = b"".join(export(client).streaming_content)
    assert len(load_workbook(io.BytesIO(body)).active["A"]) == 6
    assert len(more) == len(few)
