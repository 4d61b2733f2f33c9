"""Channel senders behind one interface (发送渠道).

A sender delivers one message to one address and raises `SendError` (or any exception) when it
could not. Which class serves a channel is a setting, read when it is needed:

    NOTIFY_EMAIL_BACKEND     default notifications.senders.EmailSender (Django's e-mail settings)
    NOTIFY_SMS_BACKEND       default notifications.senders.ConsoleSender
    NOTIFY_WECOM_BACKEND     default notifications.senders.ConsoleSender
    NOTIFY_DINGTALK_BACKEND  default notifications.senders.ConsoleSender

A real SMS gateway is one small subclass of `Sender` named in NOTIFY_SMS_BACKEND.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .choices import Channel

logger = logging.getLogger("notifications.send")


class SendError(Exception):
    """A channel could not deliver; the delivery is retried with backoff."""


@dataclass(frozen=True)
class Message:
    channel: str
    address: str
    title: str
    body: str
    url: str = ""

    def text(self, limit: int | None = None) -> str:
        text = f"【{settings.SITE_NAME}】{self.title}" + (f"\n{self.body}" if self.body else "")
        if limit and len(text) > limit:
            text = text[: limit - 1] + "…"
        return text


class Sender:
    """The interface: `send(message)` returns on success and raises on failure."""

    def send(self, message: Message) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        """Called once after a delivery run (release a connection kept open across messages)."""


class ConsoleSender(Sender):
    """The default for SMS and the webhooks: write the message to the log, deliver nothing."""

    def send(self, message: Message) -> None:
        logger.info("[%s → %s] %s", message.channel, message.address, message.title)


class EmailSender(Sender):
    """E-mail through Django's e-mail settings (EMAIL_URL in the environment)."""

    connection = None

    def send(self, message: Message) -> None:
        body = message.body
        if message.url:
            body += f"\n\n{message.url}"
        if self.connection is None:  # one SMTP connection for the whole run, not one per message
            self.connection = get_connection(fail_silently=False)
        try:
            EmailMessage(f"【{settings.SITE_NAME}】{message.title}", body, settings.DEFAULT_FROM_EMAIL,
                         [message.address], connection=self.connection).send()
        except Exception:
            self.close()  # a broken connection is not reused
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # closing a dead connection
                pass
            self.connection = None


class _WebhookSender(Sender):
    """A group robot (群机器人) webhook that mentions the person by mobile number."""

    url_setting = ""

    def payload(self, message: Message) -> dict:  # pragma: no cover - subclasses
        raise NotImplementedError

    def send(self, message: Message) -> None:
        url = getattr(settings, self.url_setting, "")
        if not url:
            raise SendError(_("%(setting)s 未配置") % {"setting": self.url_setting})
        request = urllib.request.Request(url, data=json.dumps(self.payload(message)).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a configured URL
            answer = json.loads(response.read() or b"{}")
        if answer.get("errcode", 0) != 0:
            raise SendError(f"errcode={answer.get('errcode')} {answer.get('errmsg', '')}")


class WecomWebhookSender(_WebhookSender):
    """企业微信群机器人: text message, @ the recipient's mobile."""

    url_setting = "NOTIFY_WECOM_WEBHOOK_URL"

    def payload(self, message: Message) -> dict:
        return {"msgtype": "text", "text": {"content": message.text(2000),
                                            "mentioned_mobile_list": [message.address]}}


class DingtalkWebhookSender(_WebhookSender):
    """钉钉群机器人: text message, @ the recipient's mobile."""

    url_setting = "NOTIFY_DINGTALK_WEBHOOK_URL"

    def payload(self, message: Message) -> dict:
        return {"msgtype": "text", "text": {"content": message.text(2000)},
                "at": {"atMobiles": [message.address]}}


class MemorySender(Sender):
    """Keeps what it was given, for tests and benchmarks (one process only)."""

    outbox: list[Message] = []
    _lock = threading.Lock()

    def send(self, message: Message) -> None:
        with self._lock:
            MemorySender.outbox.append(message)


class FailingSender(Sender):
    """Always fails, like an SMTP server that is down; for tests."""

    def send(self, message: Message) -> None:
        raise SendError("channel down")


_SETTING = {
    Channel.EMAIL: "NOTIFY_EMAIL_BACKEND",
    Channel.SMS: "NOTIFY_SMS_BACKEND",
    Channel.WECOM: "NOTIFY_WECOM_BACKEND",
    Channel.DINGTALK: "NOTIFY_DINGTALK_BACKEND",
}
_DEFAULT = {Channel.EMAIL: "notifications.senders.EmailSender"}


def get_sender(channel: str) -> Sender:
    path = getattr(settings, _SETTING[channel], "") or _DEFAULT.get(channel, "notifications.senders.ConsoleSender")
    return import_string(path)()
