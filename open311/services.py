"""The writes of Open311: partner keys (made, revoked) and a partner's new report, which goes through the
residents app's own door (`residents.partner.report_submit_for_partner`); no Report row is written here."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.loops import LoopError
from residents.choices import CodeKind
from residents.models import ResidentCode
from residents.partner import report_submit_for_partner
from residents.services import code_usable

from .models import Partner, ServiceRequest

KEY_PREFIX = "o311_"
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def is_token(value: str) -> bool:
    """Looks like one of our URL-safe tokens (anything else is not looked up)."""
    return 0 < len(value) <= 64 and set(value) <= TOKEN_CHARS


@dataclass
class IssuedKey:
    partner: Partner
    key: str  # shown once


def partner_create(*, name: str, actor=None) -> IssuedKey:
    """A new partner and its api_key (shown once; only its digest is kept)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise LoopError(_("请填写合作方名称(最多 100 字)。"))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            partner = Partner.objects.create(name=name, key_digest=digest(key), key_prefix=key[:12], created_by=actor)
    except IntegrityError:
        raise LoopError(_("已有名为“%(name)s”的合作方。") % {"name": name}) from None
    return IssuedKey(partner, key)


def partner_revoke(*, partner: Partner) -> bool:
    """停用: the key stops at once. False when it already was."""
    changed = Partner.objects.filter(pk=partner.pk, is_active=True).update(is_active=False, revoked_at=timezone.now())
    partner.refresh_from_db()
    return bool(changed)


def partner_for_key(api_key: str) -> Partner | None:
    """The active partner of `api_key`, or None (unknown and revoked keys alike)."""
    if not api_key or len(api_key) > 200:
        return None
    return Partner.objects.filter(key_digest=digest(api_key), is_active=True).first()


def request_token_for_new_report(sender, instance, created, raw=False, **kwargs):
    """post_save of a resident report: its Open311 public id, in the same transaction."""
    if created and not raw:
        ServiceRequest.objects.create(report=instance)


def station_for(*, station: str = "", jurisdiction_id: str = "") -> ResidentCode:
    """Which liaison station (联络站码) receives a partner's report: the one named by `attribute[station]`
    (its code token, the last part of the QR link /q/<token>/), or by a `jurisdiction_id` that is such a
    token; else the district's default station (OPEN311_DEFAULT_STATION). A jurisdiction_id equal to
    OPEN311_JURISDICTION_ID (or none) names the district itself."""
    own = getattr(settings, "OPEN311_JURISDICTION_ID", "xiangshan")
    token = station or (jurisdiction_id if jurisdiction_id and jurisdiction_id != own else "")
    if token:
        code = (ResidentCode.objects.select_related("home", "area")
                .filter(token=token, kind=CodeKind.STATION).first() if is_token(token) else None)
        if code is None or not code_usable(code):
            raise LoopError(_("指定的联络站码无效或已作废(attribute[station] 或 jurisdiction_id)。"))
        return code
    default = getattr(settings, "OPEN311_DEFAULT_STATION", "")
    code = (ResidentCode.objects.select_related("home", "area").filter(token=default, kind=CodeKind.STATION).first()
            if default else None)
    if code is None or not code_usable(code):
        raise LoopError(_("未指定受理的联络站,本区也未设置默认联络站;请用 attribute[station] 指定联络站码。"))
    return code


def request_submit(*, partner: Partner, code: ResidentCode, data: dict, lat: Decimal | None = None,
                   long: Decimal | None = None) -> ServiceRequest:
    """A partner's report (群众来信) to `code`'s station, submitted without an SMS code, recorded with its
    source partner and coordinates. Raises LoopError (residents.partner.Limited over a limit)."""
    with transaction.atomic():
        report = report_submit_for_partner(code=code, data=data, partner=partner.name)
        request, _created = ServiceRequest.objects.update_or_create(
            report=report, defaults={"partner": partner, "lat": lat, "long": long})
    return request
