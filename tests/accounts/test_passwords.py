"""Password rules, no reuse, and the forced change of an initial password (issue 17: Passwords)."""

import pytest
from django.contrib import admin
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PasswordHistory, User
from accounts.services import user_password_reset
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db


def change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.parametrize(("password", "message"), [
    ("Ab3$efgh", "至少需要 10 个字符"),
    ("abcdefghijk12", "至少 3 类"),
    ("ABCDEFGHIJ!!", "至少 3 类"),
])
def test_it_refuses_short_or_simple_passwords_in_chinese(login, cast, password, message):
    response = change(login(cast.staff), PASSWORD, password)
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    cast.staff.refresh_from_db()
    assert cast.staff.check_password(PASSWORD)


def test_it_accepts_a_long_password_of_three_classes(login, cast):
    response = change(login(cast.staff), PASSWORD, "Xiangshan-renda")
    assert response.status_code == 302
    cast.staff.refresh_from_db()
    assert cast.staff.check_password("Xiangshan-renda")


def test_it_refuses_the_last_five_passwords_and_accepts_the_sixth_back(cast):
    user = cast.staff
    used = [f"Renda-{n}-pass" for n in range(6)]
    for pw in used:
        password_validation.validate_password(pw, user)
        user.set_password(pw)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for pw in used[1:]:  # the current one and the four before it... and so the last five
        with pytest.raises(ValidationError, match="最近 5 次"):
            password_validation.validate_password(pw, user)
    password_validation.validate_password(used[0], user)  # six changes ago: allowed again


def test_the_change_page_refuses_a_reused_password(login, cast):
    client = login(cast.staff)
    assert change(client, PASSWORD, "Renda-one-pass").status_code == 302
    assert change(client, "Renda-one-pass", "Renda-two-pass").status_code == 302
    body = change(client, "Renda-two-pass", "Renda-one-pass").content.decode()
    assert "不能使用最近 5 次用过的密码" in body


def test_seed_code_may_still_set_the_demo_password(cast):
    # Validators run on forms, not on set_password: the README's demo accounts keep working.
    assert User.objects.get(username="staff").check_password(PASSWORD)


def test_a_password_set_by_an_admin_must_be_changed_before_anything_else(login, cast):
    user_password_reset(user=cast.deputy, password="Initial-pass-1")
    client = login(User.objects.get(pk=cast.deputy.pk))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    assert change(client, "Initial-pass-1", "My-own-pass-2").status_code == 302
    assert not User.objects.get(pk=cast.deputy.pk).must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_an_admin_reset_signs_the_user_out_everywhere(client, cast, django_user_model):
    from django.test import Client

    deputy_client = Client()
    deputy_client.force_login(cast.deputy, backend="django.contrib.auth.backends.ModelBackend")
    assert deputy_client.get(reverse("home")).status_code == 200
    user_password_reset(user=User.objects.get(pk=cast.deputy.pk), password="Initial-pass-1")
    assert deputy_client.get(reverse("home")).status_code == 302


def test_the_admin_password_form_goes_through_the_reset_service(login, cast):
    client = login(cast.admin)
    url = reverse("admin:auth_user_password_change", args=[cast.deputy.pk])
    response = client.post(url, {"password1": "Initial-pass-1", "password2": "Initial-pass-1", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(pk=cast.deputy.pk)
    assert user.must_change_password and user.check_password("Initial-pass-1")
    assert admin.site.is_registered(User)
