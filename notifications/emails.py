"""Every notice e-mail in two parts, text and HTML, from one pair of templates; sent after commit, never fatally.

A notice reports a change that is already saved. So its e-mail goes out only
once that change commits, and a failure to send it (an SMTP error, a header
Django refuses) is logged: it never reaches the request that made the change,
and it never stops the notices queued after it.
"""

import logging
import unicodedata
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string

from mentorhub.i18n import speaking_to

logger = logging.getLogger(__name__)


def render_notice(*, user, title: str, body: str, link: str) -> tuple[str, str]:
    """The notice e-mail's text and HTML parts, framed in ``user``'s language (callers write title and body in it)."""
    context = {"user": user, "title": title, "body": body,
               "url": f"{settings.SITE_URL}{link}" if link else settings.SITE_URL}
    with speaking_to(user):
        return (render_to_string("notifications/email.txt", context),
                render_to_string("notifications/email.html", context))


def subject_line(title: str) -> str:
    """A title as an e-mail subject: one line, without control characters.

    Titles carry people's names; a name saved with a line break would otherwise make the subject a header
    injection that Django refuses to send.
    """
    visible = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in title)
    return " ".join(visible.split())


def send_after_commit(message: EmailMessage) -> None:
    """Send ``message`` once the current transaction commits (at once outside one). Failures are logged only."""
    transaction.on_commit(partial(_send, message))


def _send(message: EmailMessage) -> None:
    try:
        message.send(fail_silently=False)
    except Exception:
        logger.exception("Could not send the e-mail %r to %s", message.subject, ", ".join(message.recipients()))


def send_batch(messages: list[EmailMessage]) -> None:
    """Send ``messages`` now over one connection (one SMTP login for a batch); each failure is logged only."""
    if not messages:
        return
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.exception("Could not open the e-mail connection for %d messages", len(messages))
        return
    try:
        for message in messages:
            message.connection = connection
            _send(message)
    finally:
        connection.close()
