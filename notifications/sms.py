"""Text messages: one tiny provider interface, the backend chosen by ``settings.SMS_BACKEND``.

A backend is a class with ``send(*, to, text)``. The default, ``notifications.sms.ConsoleBackend``,
only logs the message (like Django's console e-mail backend); a real provider plugs in the same way.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("notifications.sms")

DEFAULT_BACKEND = "notifications.sms.ConsoleBackend"


class ConsoleBackend:
    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


def get_backend():
    return import_string(getattr(settings, "SMS_BACKEND", "") or DEFAULT_BACKEND)()


def send_sms(*, to: str, text: str) -> None:
    get_backend().send(to=to, text=text)
