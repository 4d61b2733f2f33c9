"""Two copies of one POST at the same moment (a mini-program retrying on a slow network): one item,
whatever the timing; the other copy gets the first answer or is told the first is still being served."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from areas.models import Area
from petitions.models import Item
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_creates_one_item_for_parallel_copies_of_a_post(cast):
    token = token_for(cast.deputy)
    body = {"title": "周庄社区路灯不亮", "content": "路灯坏了。", "category": "urban",
            "area": Area.objects.get(name="东山街道").pk, "submit": True}
    start, statuses = threading.Barrier(4), []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            start.wait()
            statuses.append(client.post("/api/v1/items", body, format="json", HTTP_IDEMPOTENCY_KEY="race").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Item.objects.count() == 1
    assert 201 in statuses and set(statuses) <= {201, 409}, statuses
