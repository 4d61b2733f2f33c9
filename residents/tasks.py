from notifications.periodic import scheduled_job

from .services import reports_purge_personal


@scheduled_job("residents.purge_personal_data")
def purge_personal_data() -> str:
    """Nightly: erase residents' personal fields past RESIDENT_DATA_RETENTION_DAYS (idempotent); once per
    period even if the broker was down at its time (notifications/periodic.py)."""
    return str(reports_purge_personal())
