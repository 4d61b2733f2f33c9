"""Resident reports (群众来信) sent by a partner app (合作方, e.g. the 12345 hotline) through Open311.

The partner vouches for the resident, so no SMS code is sent: the report is written 待验证 as any other
and passes straight to 已提交 by the loop's own VERIFY transition (lock-and-check, an event row naming
the partner, the same handlers told after commit), through the same engine and tables as
`services.report_start` / `services.report_verify`. The same limits apply as to the public page where they
make sense: per code (a flood on one station) and the blocklist; not the per-number SMS counters, since no
SMS is sent. The
per-key and per-address limits of the partner door are the caller's (open311/views.py), counted with
`limit_retry_after` below on the same Redis counters (residents/limits.py).
"""

from __future__ import annotations

import time

from django.db import transaction
from django.utils.translation import gettext as _

from core.loops import LoopError, lock, record_event

from . import limits
from .choices import TRANSITIONS, Action, CodeKind
from .models import BlockedPhone, Report, ReportEvent, ResidentCode
from .services import actor_kinds, code_usable, mark_submitted


class Limited(LoopError):
    """Over a rate limit: answered 429 with ``retry_after`` seconds."""

    def __init__(self, message, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(LoopError):
    """The limit counter (Redis) is down: nothing is accepted (fails closed, answered 503)."""


def limit_retry_after(scope: str, who: str, rules: list[tuple[int, int]]) -> int:
    """Count one attempt of `who` in `scope` against each (limit, window) rule; 0 when within every rule,
    else the seconds until the longest exceeded window ends (for Retry-After). Raises `Unavailable`."""
    wait = 0
    try:
        for rule in rules:
            if limits.hit(scope, who, [rule]):
                window = rule[1]
                wait = max(wait, window - int(time.time()) % window)
    except limits.LimitUnavailable:
        raise Unavailable(_("服务暂时繁忙,请稍后再试。")) from None
    return wait


def report_submit_for_partner(*, code: ResidentCode, data: dict, partner: str) -> Report:
    """A report from a partner app to a liaison station (联络站码), submitted at once (已提交, no SMS
    code: the partner vouches). `data`: category, text, and optionally address, name, phone, as cleaned
    by the resident form's rules. The station's limits and the blocklist are checked first; a refused
    call stores nothing but its counters."""
    if code.kind != CodeKind.STATION or not code_usable(code):
        raise LoopError(_("指定的联络站码无效或已作废。"))
    phone = data.get("phone") or ""
    wait = limit_retry_after("code", str(code.pk), limits.code_rules())
    if wait:
        raise Limited(_("该二维码收到的来信过多,请稍后再试。"), retry_after=wait)
    # A blocked number is told what a number over a limit is told. The per-number SMS counters do not
    # apply: no SMS is sent, and the partner's key, address and the station are counted instead.
    if phone and BlockedPhone.objects.filter(phone=phone).exists():
        raise Limited(_("该手机号提交过于频繁,请稍后再试。"), retry_after=3600)
    with transaction.atomic():
        report = Report.objects.create(
            code=code, area=code.area, category=data["category"], text=data["text"],
            address=data.get("address", ""), name=data.get("name", ""), show_name=False, phone=phone)
        record_event(ReportEvent, report=report, action=Action.CREATE, actor=None, from_state="",
                     to_state=report.state, data={"partner": partner})
        report, _kinds = lock(report, Action.VERIFY, None, table=TRANSITIONS, actor_kinds=actor_kinds, model=Report,
                              stale_message=_("该来信已经提交。"))
        mark_submitted(report, comment=_("合作方“%(p)s”代为确认,未发送短信验证码") % {"p": partner},
                       data={"partner": partner, "sms": False})
    return report
