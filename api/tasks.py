from notifications.periodic import scheduled_job

from .services import idempotency_purge


@scheduled_job("api.purge_idempotency")
def purge_idempotency() -> str:
    """Nightly: remove stored answers of idempotent POSTs past API_IDEMPOTENCY_HOURS (idempotent itself:
    a second run finds nothing more to delete)."""
    return str(idempotency_purge())
