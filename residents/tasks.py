import datetime as dt

from notifications.periodic import scheduled_job

from .services import reports_close_unrated, reports_purge_personal


@scheduled_job("residents.purge_personal_data")
def purge_personal_data() -> str:
    """Nightly: erase residents' personal fields past RESIDENT_DATA_RETENTION_DAYS (idempotent); once per
    period even if the broker was down at its time (notifications/periodic.py)."""
    return str(reports_purge_personal())


@scheduled_job("residents.close_unrated")
def close_unrated(date: str | None = None) -> str:
    """Nightly: reports not rated within RESIDENT_RATING_DAYS of the answer close as 未评价 (idempotent,
    set-based); `date` (YYYY-MM-DD) runs it by hand as of that day."""
    return str(reports_close_unrated(today=dt.date.fromisoformat(date) if date else None))
