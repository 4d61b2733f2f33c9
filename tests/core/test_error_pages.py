import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls_errors")]


def test_it_shows_a_chinese_500_page_without_leaking_details():
    response = Client(raise_request_exception=False).get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in body and "on purpose" not in body


def test_it_shows_a_chinese_403_page(login, cast):
    response = login(cast.leader).get("/forbidden/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
