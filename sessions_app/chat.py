"""The session chat: text between a session's participants in its room, kept for later reading.

The room is per slot, so the chat is too: a group slot's mentees and its mentor share one. Who takes
part (``selectors.chat_access``):

- the slot's mentor, through any booking of the slot;
- each mentee holding a seat of the slot that is requested, scheduled, completed or a no-show, through
  their own booking. A cancelled, declined or expired seat loses the chat (404, like an outsider's).
  Staff are not participants; they read session chats in the admin.

The booking id only names the slot: access is per person and slot, so a mentee who cancelled one seat
and holds another in the same slot still takes part, through either booking.

Everyone taking part reads the whole transcript for good. Writing needs a seat that is live
(requested or scheduled) or completed, and closes ``CHAT_WRITE_GRACE`` (7 days) after the session ended;
the mentor writes while any seat of the slot may. Text is stripped, must not be empty, and is at most
``MESSAGE_MAX_LENGTH``; each send counts against the same per-user ``MESSAGES_PER_MINUTE`` as
conversations. No notifications: a room chat is live, and the transcript stays on the booking.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from mentorhub.errors import InvalidInput, PermissionDenied
from mentorhub.i18n import speaking_to
from messaging import live
from messaging.frames import frame_int
from messaging.services import count_send
from sessions_app.models import SessionMessage
from sessions_app.selectors import chat_access, chat_participant_ids

FRAME_TYPE = "session_message"


def session_message_output(message: SessionMessage) -> dict:
    """The REST (and WebSocket) fields of a session chat message."""
    from sessions_app.api import SessionMessageOutput

    return dict(SessionMessageOutput(message).data)


@transaction.atomic
def session_message_send(*, user: User, booking_id: int, text: str, origin: str | None = None,
                         now: datetime | None = None) -> SessionMessage:
    """Write ``text`` in the chat of a booking's session; after commit every participant's chat sockets hear it.

    The seats that allow writing stay locked until the message is stored, so a cancellation and a
    send never cross. The sending socket (``origin``) is answered by its caller instead.
    """
    now = now or timezone.now()
    access = chat_access(user=user, booking_id=booking_id, now=now, lock=True)
    if not access.may_write:
        raise PermissionDenied(_("This session's chat is closed for new messages; it stays here to read."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write something first."), field="text")
    if len(text) > settings.MESSAGE_MAX_LENGTH:
        limit = settings.MESSAGE_MAX_LENGTH
        raise InvalidInput(ngettext("At most %(count)d character.", "At most %(count)d characters.", limit)
                           % {"count": limit}, field="text")
    count_send(user_id=user.pk)
    message = SessionMessage.objects.create(slot=access.slot, sender=user, text=text, sent_at=now)
    event = {"type": FRAME_TYPE, "slot_id": access.slot.pk, **session_message_output(message)}
    live.chat_event_on_commit(user_ids=chat_participant_ids(slot=access.slot), event=event, origin=origin)
    return message


def session_message_frame(user: User, frame: dict, origin: str) -> dict:
    """Answer a ``session_message`` frame of ``/ws/chat`` (registered in SessionsAppConfig.ready)."""
    with speaking_to(user):  # a socket has no request language: refusals are said in the user's
        text = frame.get("text")
        if not isinstance(text, str):
            raise InvalidInput(_("Must be a string."), field="text")
        booking_id = frame_int(frame, "booking_id")
        message = session_message_send(user=user, booking_id=booking_id, text=text, origin=origin)
    return {"type": "ack", "slot_id": message.slot_id, "booking_id": booking_id,
            "message": session_message_output(message)}
