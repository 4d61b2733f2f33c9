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


@transaction.atomic
def user_password_reset(*, user, password: str):
    """Staff or an admin sets ``user``'s password: every session of that user ends (the session auth
    hash changes with the password) and the user must choose their own at the next sign-in."""
    user.set_password(password)
    user.must_change_password = True
    user.save()
    from .models import User
    from .signals import password_changed

    transaction.on_commit(lambda: password_changed.send(sender=User, user=user, by_staff=True))
    return user


@transaction.atomic
def user_password_changed(*, user):
    """The user chose their own password (after the form saved it): the forced-change flag goes."""
    from .models import User
    from .signals import password_changed

    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
    transaction.on_commit(lambda: password_changed.send(sender=User, user=user, by_staff=False))


def user_session_record(*, request, user) -> None:
    """Writes (or refreshes) the 我的登录设备 row of this request's session."""
    from django.utils import timezone

    from .models import UserSession
    from .twofactor import session_verified

    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "user_agent": request.headers.get("user-agent", "")[:300],
                  "ip": request.META.get("REMOTE_ADDR") or None, "last_activity": timezone.now(),
                  "otp_verified": session_verified(request)})


@transaction.atomic
def user_sessions_end_others(*, user, keep_session_key: str) -> int:
    """退出其他设备: ends every session of ``user`` but ``keep_session_key``; returns how many."""
    from django.contrib.sessions.models import Session

    from .models import UserSession

    others = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key)
    keys = list(others.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    others.delete()
    return len(keys)
