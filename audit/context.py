"""The request being served, for events recorded far from a view (an import service, a signal)."""

from contextvars import ContextVar

current_request = ContextVar("audit_current_request", default=None)


def client_ip(request) -> str | None:
    """The client's address as django-axes sees it (one rule for lockout and audit)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None
