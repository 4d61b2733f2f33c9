"""Role checks for views. Data scope is the models' `visible_to` / `editable_by`; this module only
answers "may this role use this page at all" (403 when not)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Decorator: signed in (else the login page) and holding one of `roles` (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
