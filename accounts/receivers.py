"""Receivers of Django's auth signals (connected in AccountsConfig.ready)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="accounts.session_record")
def _record_session(sender, request, user, **kwargs):
    from .middleware import session_clocks_start
    from .services import user_session_record

    if request is not None and hasattr(request, "session"):
        session_clocks_start(request.session)
        user_session_record(request=request, user=user)
