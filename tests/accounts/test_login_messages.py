"""What a person is told when signing in or choosing a password (issue 17, defect 9)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_tells_a_deactivated_account_it_is_deactivated_and_keeps_it_out(client, cast):
    User.objects.filter(pk=cast.staff.pk).update(is_active=False)
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    body = response.content.decode()
    assert response.status_code == 200 and "该账号已停用" in body and "用户名或密码不正确" not in body
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_it_gives_a_deactivated_account_with_a_wrong_password_the_general_message(client, cast):
    User.objects.filter(pk=cast.staff.pk).update(is_active=False)
    body = client.post(reverse("login"), {"username": "staff", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in body and "该账号已停用" not in body


def test_it_says_a_too_short_password_is_too_short_in_chinese(login, cast):
    response = login(cast.staff).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "q7#", "new_password2": "q7#"})
    body = response.content.decode()
    assert response.status_code == 200 and "密码太短,至少需要 10 个字符" in body
    assert "too short" not in body
