"""Writes for accounts and roles."""

from django.contrib.auth.models import Group
from django.db import transaction

from .choices import Role


def roles_install() -> None:
    """Create one auth group per role (idempotent; also run by a data migration)."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def user_create(*, username: str, password: str | None, full_name: str = "", roles=(), area=None,
                unit=None, mobile: str = "", is_superuser: bool = False):
    from .models import User

    user = User(username=username, full_name=full_name, area=area, unit=unit, mobile=mobile,
                is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    roles_install()
    user.groups.set(Group.objects.filter(name__in=[Role(r).value for r in roles]))
    return user


def user_set_care_mode(*, user, on: bool) -> None:
    """Remembers the account's choice of 关怀版 (elderly mode)."""
    if user.care_mode != on:
        user.care_mode = on
        user.save(update_fields=["care_mode"])
