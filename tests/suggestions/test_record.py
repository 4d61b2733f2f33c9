"""The deputy's 履职档案 counts suggestions: led (with the answer classes) and co-signed (confirmed)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from suggestions.choices import State

from .helpers import make

pytestmark = pytest.mark.django_db


def test_the_record_counts_led_and_confirmed_cosigned_suggestions(login, cast):
    make(cast, State.CONCLUDED, confirmed=True)  # 刘芳 leads (class B), 张伟 confirms
    make(cast, State.REVIEW, reply_class="A")  # 刘芳 leads, 张伟 never confirmed
    make(cast, State.DRAFT)  # not registered: not counted
    page = login(cast.deputy).get(reverse("assessments:record", args=[cast.deputy.deputy.pk]))
    assert page.context["record_ctx"]["suggestions"] == {"led": 2, "cosigned": 0, "A": 1, "B": 1, "C": 0, "D": 0}
    body = page.content.decode()
    assert "领衔 2 件,附议 0 件" in body and "建议模块尚未启用" not in body
    listed = page.context["record_ctx"]["suggestion_list"]
    assert [(row["suggestion"].reply_class, row["led"]) for row in listed] == [("B", True), ("A", True)]
    assert body.count('data-testid="record-suggestion"') == 2 and "关于改善东山路交通秩序的建议" in body
    other = login(cast.group_leader).get(reverse("assessments:record", args=[cast.group_leader.deputy.pk]))
    assert other.context["record_ctx"]["suggestions"]["cosigned"] == 1
    assert [(row["suggestion"].reply_class, row["led"]) for row in other.context["record_ctx"]["suggestion_list"]] \
        == [("B", False)]  # only the confirmed co-signature
    assert "(附议)" in other.content.decode()
    xlsx = login(cast.deputy).get(reverse("assessments:record_xlsx", args=[cast.deputy.deputy.pk]))
    rows = {r[0]: r[1] for r in load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True)}
    assert rows["领衔代表建议"] == 2 and rows["B 类答复"] == 1
