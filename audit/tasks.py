from celery import shared_task

from .services import security_events_purge


@shared_task(name="audit.purge_security_events")
def purge_security_events() -> str:
    """Nightly: remove only security events past retention (AUDIT_RETENTION_DAYS)."""
    return str(security_events_purge())
