"""Presence for the WebSocket consumers: each open socket of a user is counted in ``messaging.Presence``.

Both ``/ws/chat`` and ``/ws/notifications`` use this mixin (the second through mentorhub/routing.py, since
notifications is a leaf that imports no domain app): connecting counts the socket, closing
uncounts it, and every frame received (at least the ``{"type": "ping"}`` the pages send every minute,
answered ``{"type": "pong"}``) refreshes ``last_seen_at``. A socket that sends nothing for
``PRESENCE_STALE_SECONDS`` no longer proves its user is here (messaging.services.presence_away).
"""

import time

from channels.db import database_sync_to_async

from mentorhub.realtime import PING, PONG  # noqa: F401  (the keep-alive frames; imported from here too)
from messaging import services

TOUCH_EVERY_SECONDS = 30  # other frames (typing, messages) refresh at most this often; a ping always does


class PresenceMixin:
    counted = False
    touched_at = 0.0

    async def presence_connected(self, user) -> None:
        await database_sync_to_async(services.presence_connect)(user_id=user.pk)
        self.presence_user_id = user.pk
        self.counted = True
        self.touched_at = time.monotonic()

    async def presence_disconnected(self) -> None:
        if self.counted:
            self.counted = False
            await database_sync_to_async(services.presence_disconnect)(user_id=self.presence_user_id)

    async def presence_heard(self, *, ping: bool = False) -> None:
        if not self.counted:
            return
        moment = time.monotonic()
        if ping or moment - self.touched_at >= TOUCH_EVERY_SECONDS:
            self.touched_at = moment
            await database_sync_to_async(services.presence_touch)(user_id=self.presence_user_id)
