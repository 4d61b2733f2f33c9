import datetime as dt

from celery import shared_task

from notifications.periodic import scheduled_job

from .services import receipt_send, reports_close_unrated, reports_purge_personal


@shared_task(name="residents.send_receipt")
def send_receipt(report_id: int) -> str:
    """The receipt SMS of a confirmed report (queued after commit by report_verify); sent once."""
    return receipt_send(report_id=report_id)


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
