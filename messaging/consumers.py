"""``/ws/chat``: send and receive messages, read receipts and typing, live.

Signed in like ``/ws/notifications`` (``?token=<access token>`` or the site's session cookie); anyone
else is accepted and at once closed with 4401. Each socket joins its user's chat group
(messaging.live); what the services send there after commit reaches every open socket of the user,
whichever process it is on.

Client frames (JSON objects):

- ``{"type": "message", "recipient_id", "text", "client_id"?}``: the same service and rules as
  ``POST messages``; answered ``{"type": "ack", "client_id"?, "conversation_id", "message": {...}}``.
- ``{"type": "read", "conversation_id", "up_to_id"?, "client_id"?}``: answered with an ack holding
  ``read``; the other side gets ``{"type": "read", "conversation_id", "up_to_id", "read_at", "reader_id"}``.
- ``{"type": "typing", "conversation_id"}``: the other side gets ``{"type": "typing", ...}``.
- ``{"type": "session_message", "booking_id", "text", "client_id"?}``: a session's chat
  (sessions_app.chat, the rules of ``POST bookings/{id}/chat``; registered by sessions_app in
  messaging/frames.py); answered ``{"type": "ack", "client_id"?,
  "slot_id", "booking_id", "message": {...}}``; the other participants get ``{"type": "session_message",
  "slot_id", ...the message}``.
- ``{"type": "ping"}``: answered ``{"type": "pong"}``. The page sends one every minute: every frame
  keeps its user counted as present (messaging.presence), which holds back the e-mail digest.

Anything refused, malformed or unknown is answered ``{"type": "error", "client_id"?, ...the API's error
shape}`` and the socket stays open.
"""

import json
from http.cookies import CookieError, SimpleCookie

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from mentorhub.api.errors import error_body
from mentorhub.errors import DomainError, InvalidInput
from messaging import frames, services
from messaging.frames import frame_int
from messaging.live import chat_group
from messaging.presence import PONG, PresenceMixin

UNAUTHENTICATED = 4401
FRAME_OVERHEAD = 1024  # room for the keys and JSON escapes around the longest allowed text


def _send_message(user, frame: dict, origin: str) -> dict:
    text = frame.get("text")
    if not isinstance(text, str):
        raise InvalidInput(_("Must be a string."), field="text")
    recipient_id = frame_int(frame, "recipient_id")
    message = services.message_send(sender=user, recipient_id=recipient_id, text=text, origin=origin)
    return {"type": "ack", "conversation_id": message.conversation_id, "message": services.message_output(message)}


def _read(user, frame: dict, origin: str) -> dict:
    receipt = services.conversation_mark_read(user=user, conversation_id=frame_int(frame, "conversation_id"),
                                              up_to_id=frame_int(frame, "up_to_id", required=False), origin=origin)
    read_at = receipt["read_at"].isoformat().replace("+00:00", "Z")
    return {"type": "ack", "read": {**receipt, "read_at": read_at}}


def _typing(user, frame: dict, origin: str) -> None:
    services.typing_relayed(user=user, conversation_id=frame_int(frame, "conversation_id"))


def _error(status: int, detail: str, *, field: str | None = None, echo: dict | None = None) -> dict:
    errors = [{"field": field, "message": detail}] if field else []
    return {"type": "error", **(echo or {}), **error_body(status, detail, errors)}


# messaging's own frames; apps above it add theirs to messaging.frames.HANDLERS (sessions_app: session_message).
HANDLERS = {"message": _send_message, "read": _read, "typing": _typing}


def socket_language(scope) -> str:
    """The language a socket's answers speak, chosen as for a page: the user's profile, else the switcher's
    cookie, else the browser's Accept-Language, else the site's default."""
    user = scope.get("user")
    if getattr(user, "language", ""):
        return user.language
    headers = dict(scope.get("headers") or [])
    supported = dict(settings.LANGUAGES)
    try:
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1")).get(settings.LANGUAGE_COOKIE_NAME)
    except CookieError:
        cookie = None
    if cookie is not None and cookie.value in supported:
        return cookie.value
    for code, _quality in parse_accept_lang_header(headers.get(b"accept-language", b"").decode("latin-1")):
        if code.split("-")[0].lower() in supported:
            return code.split("-")[0].lower()
    return settings.LANGUAGE_CODE


def _handlers() -> dict:
    return {**HANDLERS, **{kind: handler for kind, handler in frames.HANDLERS.items() if kind not in HANDLERS}}


class ChatConsumer(PresenceMixin, AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=UNAUTHENTICATED)
            return
        self.user = user
        self.language = socket_language(self.scope)
        self.group = chat_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.presence_connected(user)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.presence_disconnected()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # A socket has no request (no LocaleMiddleware): its errors speak the user's own language.
        with translation.override(getattr(self, "language", settings.LANGUAGE_CODE)):
            answer = await self.answer(text_data)
        await self.presence_heard(ping=answer is not None and answer.get("type") == "pong")
        if answer is not None:
            await self.send_json(answer)

    async def answer(self, text_data: str | None) -> dict | None:
        """What this socket is told about one frame it sent: an ack, an error, or nothing (typing)."""
        if text_data is None:
            return _error(400, _("Send JSON text frames."))
        if len(text_data) > settings.MESSAGE_MAX_LENGTH * 2 + FRAME_OVERHEAD:
            return _error(413, _("Frame too large."))
        try:
            frame = json.loads(text_data)
        except ValueError:
            return _error(400, _("Not JSON."))
        if not isinstance(frame, dict):
            return _error(400, _("Send a JSON object with a type."))
        client_id = frame.get("client_id")
        echo = {"client_id": client_id} if isinstance(client_id, (str, int)) and len(str(client_id)) <= 100 else {}
        if frame.get("type") == "ping":
            return {**PONG, **echo}
        handlers = _handlers()
        handler = handlers.get(frame.get("type")) if isinstance(frame.get("type"), str) else None
        if handler is None:
            return _error(400, _("Unknown type; use one of %(types)s.") % {"types": ", ".join([*handlers, "ping"])},
                          field="type",
                          echo=echo)
        try:
            answer = await database_sync_to_async(handler)(self.user, frame, self.channel_name)
        except DomainError as exc:
            return _error(exc.status_code, exc.message, field=exc.field, echo=echo)
        return None if answer is None else {**answer, **echo}

    async def chat_event(self, event):
        if event.get("origin") != self.channel_name:  # the sending socket had its ack
            await self.send_json(event["event"])
