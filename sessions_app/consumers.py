"""WebRTC signalling for the built-in room: a relay of offers, answers and ICE candidates.

Only participants inside the join window get in (mentor, and mentees with a
seat in the slot, so a room is bounded by the slot's seats). A newcomer gets
a "welcome" with its peer id; everyone already there gets "peer-joined" and
sends the newcomer an offer; messages name their target peer. Media never
passes through the server: it flows browser to browser.
"""

import secrets

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext, gettext_noop
from rest_framework.exceptions import ParseError

from mentorhub.api import parsers
from mentorhub.i18n import speaking_to
from mentorhub.realtime import slot_group
from sessions_app.services import room_access

RELAYED = {"offer", "answer", "ice"}


def _say(message: str, user) -> str:
    """A socket has no request language: the room speaks its user's."""
    with speaking_to(user):
        return gettext(message)


class MeetingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.room = self.scope["url_route"]["kwargs"]["room_name"]
        user = self.scope.get("user")
        slot_id = await self._access()
        if slot_id is None:
            await self.close(code=4403)
            return
        self.group = f"meeting.{self.room}"
        self.access_group = slot_group(slot_id)
        self.peer_id = secrets.token_hex(8)
        self.name = user.display_name
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(self.access_group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "welcome", "peer_id": self.peer_id, "ice_servers": settings.WEBRTC_ICE_SERVERS})
        await self._broadcast({"type": "peer-joined", "peer_id": self.peer_id, "name": self.name})

    async def _access(self) -> int | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return await database_sync_to_async(room_access)(room_name=self.room, user=user)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self._broadcast({"type": "peer-left", "peer_id": self.peer_id, "name": self.name})
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(self.access_group, self.channel_name)

    async def access_changed(self, event):
        """A booking of this slot changed: whoever may no longer be here is told why, then disconnected."""
        if await self._access() is None:
            detail = _say(gettext_noop("This session can no longer be joined."), self.scope.get("user"))
            await self.send_json({"type": "closed", "detail": detail})
            await self.close(code=4410)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Channels would raise on a binary or non-JSON frame and drop the connection with a traceback;
        # a client's garbage earns it an error message, like any other message the room cannot use.
        try:
            content = parsers.loads(text_data) if text_data is not None else None
        except ParseError:
            content = None
        if not isinstance(content, dict):
            detail = _say(gettext_noop("Send one JSON object per message."), self.scope.get("user"))
            await self.send_json({"type": "error", "detail": detail})
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        kind, target = content.get("type"), content.get("to")
        if kind not in RELAYED or not isinstance(target, str):
            await self.send_json({"type": "error",
                                  "detail": _say(gettext_noop("Send offer, answer or ice, naming the peer in 'to'."),
                                              self.scope.get("user"))})
            return
        message = {"type": kind, "from": self.peer_id, "data": content.get("data")}
        if kind == "offer":  # the newcomer learns who calls it, to name the tile
            message["name"] = self.name
        await self.channel_layer.group_send(self.group, {
            "type": "relay", "sender": self.peer_id, "to": target, "message": message,
        })

    async def _broadcast(self, message: dict):
        await self.channel_layer.group_send(self.group, {"type": "relay", "sender": self.peer_id, "to": None,
                                                         "message": message})

    async def relay(self, event):
        if event["sender"] == self.peer_id or (event["to"] and event["to"] != self.peer_id):
            return
        await self.send_json(event["message"])
