from celery import shared_task

from notifications.periodic import scheduled_job

from .services import idempotency_purge, wechat_bind_code_send


@scheduled_job("api.purge_idempotency")
def purge_idempotency() -> str:
    """Nightly: remove stored answers of idempotent POSTs past API_IDEMPOTENCY_HOURS (idempotent itself:
    a second run finds nothing more to delete)."""
    return str(idempotency_purge())


@shared_task(name="api.wechat_bind_code")
def wechat_bind_code(request_id: int, sends: int) -> str:
    """Send the SMS code of a WeChat binding (queued after commit by wechat_bind_send); runs once per send."""
    return wechat_bind_code_send(request_id=request_id, sends=sends)
