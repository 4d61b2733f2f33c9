"""Signals that become security events: sign-in, sign-out, failed sign-in, password change, and
changes of roles (groups), permissions, superuser and active flags from anywhere (admin or service)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from .choices import EventKind, EventResult
from .services import security_event_record

User = get_user_model()


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    security_event_record(kind=EventKind.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=EventKind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))
    security_event_record(kind=EventKind.LOGIN_FAILED, username=username, request=request,
                          result=EventResult.REFUSED)


def _actor_detail(instance) -> dict:
    from .context import current_request

    request = current_request.get()
    actor = getattr(request, "user", None)
    detail = {"account": instance.get_username()}
    if actor is not None and actor.is_authenticated:
        detail["by"] = actor.get_username()
    return detail


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_groups")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    users = [instance] if not reverse else list(User.objects.filter(pk__in=pk_set or ()))
    if reverse:
        names = [instance.name]
    for account in users:
        security_event_record(kind=EventKind.ROLE_CHANGE, obj=account, detail={
            **_actor_detail(account), "action": action.removeprefix("post_"), "groups": names})


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="audit_permissions")
def _permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    from django.contrib.auth.models import Permission

    codes = sorted(Permission.objects.filter(pk__in=pk_set or ()).values_list("codename", flat=True))
    security_event_record(kind=EventKind.PERMISSION_CHANGE, obj=instance, detail={
        **_actor_detail(instance), "action": action.removeprefix("post_"), "permissions": codes})


_WATCHED = ("is_superuser", "is_active", "is_staff", "password")


@receiver(pre_save, sender=User, dispatch_uid="audit_user_pre")
def _remember_flags(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    instance._audit_before = User.objects.filter(pk=instance.pk).values(*_WATCHED).first()


@receiver(post_save, sender=User, dispatch_uid="audit_user_post")
def _flags_changed(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if raw or created or not before:
        return
    changes = {name: [before[name], getattr(instance, name)] for name in _WATCHED[:3]
               if before[name] != getattr(instance, name)}
    if changes:
        security_event_record(kind=EventKind.ACCOUNT_CHANGE, obj=instance,
                              detail={**_actor_detail(instance), "changes": changes})
    if before["password"] != instance.password:
        security_event_record(kind=EventKind.PASSWORD_CHANGE, obj=instance, detail=_actor_detail(instance))
