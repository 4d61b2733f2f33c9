from notifications.periodic import scheduled_job

from .services import security_events_purge


@scheduled_job("audit.purge_security_events")
def purge_security_events() -> str:
    """Nightly: remove only security events past retention (AUDIT_RETENTION_DAYS); once per period even if
    the broker was down at its time (notifications/periodic.py)."""
    return str(security_events_purge())
