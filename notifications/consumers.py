"""``/ws/notifications``: each new notice and the unread count, pushed to every open socket of its user.

Signed in by ``?token=<access token>`` (apps) or the site's session cookie (the bell); anyone else
is accepted and at once closed with 4401: a refused handshake would reach a browser only as 1006 (and a
console error), while 4401 tells the client to stop retrying and sign in again. Each socket joins its
user's group; services send to that group after commit (notifications.live). The client only
listens, except for ``{"type": "ping"}`` (answered ``{"type": "pong"}``), which the bell sends every
minute to keep its user counted as present (messaging.presence: it holds back the e-mail digest of
unread messages); anything else it sends is answered with an error, never acted on.

notifications is a leaf (docs/ARCHITECTURE.md, "Layers"): it cannot import messaging, so the socket
calls three presence hooks that do nothing here; mentorhub/routing.py serves ``NotificationSocket``,
this consumer with messaging's ``PresenceMixin`` mixed in, which counts the socket.
"""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from mentorhub.i18n import speaking_to
from mentorhub.realtime import PING, PONG, user_group
from notifications import selectors

UNAUTHENTICATED = 4401


def _is_ping(text_data: str | None) -> bool:
    if not text_data or len(text_data) > 100:
        return False
    try:
        return json.loads(text_data) == PING
    except ValueError:
        return False


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    # Presence hooks: overridden by messaging.presence.PresenceMixin where the routes compose the socket.
    async def presence_connected(self, user) -> None:
        pass

    async def presence_disconnected(self) -> None:
        pass

    async def presence_heard(self, *, ping: bool = False) -> None:
        pass

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=UNAUTHENTICATED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.presence_connected(user)
        # Joined before counting: a notice created meanwhile arrives after this count, never lost before it.
        count = await database_sync_to_async(selectors.unread_count)(user=user)
        await self.send_json({"type": "unread_count", "unread_count": count})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.presence_disconnected()

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        ping = _is_ping(text_data)
        await self.presence_heard(ping=ping)
        if ping:
            await self.send_json(PONG)
            return
        with speaking_to(self.scope.get("user")):
            detail = _("This socket only sends; use the API to mark notices read.")
        await self.send_json({"type": "error", "detail": detail})

    async def live_message(self, event):
        await self.send_json(event["message"])
