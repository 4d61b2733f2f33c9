"""Open311 GeoReport v2 (issue 14): the partner apps allowed to post resident reports, and the public id
(service_request_id) of each resident report."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_request_token() -> str:
    """The public id of a report in Open311: random, never a database id nor a receipt number."""
    return secrets.token_urlsafe(16)


class Partner(models.Model):
    """A partner app (合作方: the 12345 hotline, a street's own app) that may post resident reports through
    Open311 with its api_key. Only the key's SHA-256 digest is kept (a key is 256 random bits); the key
    itself is shown once, when made (`manage.py open311_key create NAME` or the admin). Revoked, it stops
    at once; the reports it sent stay and keep naming it."""

    name = models.CharField(_("合作方名称"), max_length=100, unique=True)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False,
                                  help_text=_("用于辨认是哪一把密钥,不能用来调用接口"))
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 合作方")
        verbose_name_plural = _("Open311 合作方")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceRequest(models.Model):
    """A resident report (群众来信) as an Open311 service request: its public, unguessable id (the report's
    status_token is not used: it lets its holder rate the answer), the partner it came from (none for the
    QR pages) and the coordinates the partner sent (kept for the handlers, never published)."""

    report = models.OneToOneField("residents.Report", verbose_name=_("群众来信"), on_delete=models.CASCADE,
                                  related_name="open311")
    token = models.CharField(_("公开编号"), max_length=40, unique=True, default=new_request_token, editable=False)
    partner = models.ForeignKey(Partner, verbose_name=_("来源合作方"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="requests")
    lat = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 服务请求")
        verbose_name_plural = _("Open311 服务请求")
        ordering = ["-id"]

    def __str__(self):
        return self.token
