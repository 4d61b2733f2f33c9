"""Celery tasks of the dashboards: thin wrappers around a service (STYLE.md)."""

from notifications.periodic import scheduled_job

from .checks import rollups_check


@scheduled_job("dashboards.check_rollups")
def check_rollups() -> str:
    """Nightly: rollups vs a recount, installed triggers vs source; the result is kept (RollupCheck)."""
    result = rollups_check()
    return "ok" if result.ok else f"{len(result.differences)} differences"
