"""WhatsApp/SMS gateway interface. Pick a backend with MESSAGING_BACKEND; the console backend prints (masked)."""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from kotacerdas.lib.pii import mask_address

log = logging.getLogger("kotacerdas.messaging")


class MessagingBackend:
    """A gateway sends one text to one phone number over one channel ("whatsapp" or "sms").

    Implementations raise on failure; the notification task records the error and retries.
    """

    def send(self, channel: str, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleMessagingBackend(MessagingBackend):
    """Development backend: writes the message to the log with the number masked."""

    sent: list[tuple[str, str, str]] = []

    def send(self, channel: str, phone: str, text: str) -> None:
        ConsoleMessagingBackend.sent.append((channel, phone, text))
        log.info("%s to %s: %s", channel, mask_address(phone), text)


@cache
def get_backend() -> MessagingBackend:
    return import_string(settings.MESSAGING_BACKEND)()
