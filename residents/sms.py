"""The one SMS client of the resident pages (verification codes, the status link).

It posts JSON ``{"phone": ..., "text": ...}`` to ``RESIDENT_SMS_BASE_URL + "/send"`` and expects
``{"code": 0}`` back; anything else raises `SmsError`. The base URL is a setting read at call time; an
empty one (development) writes the message to the log instead of sending it."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger("residents.sms")


class SmsError(Exception):
    """The gateway could not take the message."""


class SmsClient:
    timeout = 5

    def __init__(self, base_url: str | None = None):
        self.base_url = (settings.RESIDENT_SMS_BASE_URL if base_url is None else base_url).rstrip("/")

    def send(self, *, phone: str, text: str) -> None:
        if not self.base_url:
            logger.info("[sms → %s] %s", phone[:3] + "****" + phone[-4:], text)
            return
        body = json.dumps({"phone": phone, "text": f"【{settings.SITE_NAME}】{text}"}).encode()
        request = urllib.request.Request(f"{self.base_url}/send", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - a configured URL
                answer = json.loads(response.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SmsError(str(exc)) from exc
        if answer.get("code") != 0:
            raise SmsError(f"code={answer.get('code')} {answer.get('message', '')}")
