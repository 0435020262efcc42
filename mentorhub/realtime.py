"""Sending to open WebSockets from synchronous code: room access changes and live notifications.

Services only know slots; the room consumers (sessions_app) listen on the slot's group and
re-check each connection's access when told, closing the ones that lost it. Each user's
notification sockets listen on the user's group (notifications.live). Sent after commit,
so a rolled-back change tells nobody, and ``robust`` so a channel layer that is down never
turns a committed change into an error.
"""

import asyncio
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# The keep-alive of the signed-in sockets (/ws/chat, /ws/notifications): pages send PING every minute.
PING = {"type": "ping"}
PONG = {"type": "pong"}


def slot_group(slot_id: int) -> str:
    return f"slot.{slot_id}"


def room_access_changed_on_commit(*, slot_id: int) -> None:
    transaction.on_commit(lambda: room_access_changed(slot_id=slot_id), robust=True)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def room_access_changed(*, slot_id: int) -> None:
    group_send(slot_group(slot_id), {"type": "access.changed"})


def group_send(group: str, message: dict) -> None:
    """Send ``message`` to every socket in ``group`` from synchronous code; nothing if there is no layer."""
    group_send_many([(group, message)])


def group_send_many(messages: list[tuple[str, dict]]) -> None:
    """``group_send`` for many (group, message) pairs in one trip into the event loop (a sweep's batch).

    Entering the loop from synchronous code costs a few milliseconds a time; a batch pays it once.
    """
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all(pairs):
        for group, message in pairs:
            await layer.group_send(group, message)

    send = async_to_sync(send_all)
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: a request thread, a worker, a shell
        send(messages)
        return
    # Synchronous code running inside an event loop's thread (a test driving a browser, a notebook):
    # async_to_sync refuses to block that loop, so the message goes from a short-lived thread instead.
    sender = threading.Thread(target=send, args=(messages,), daemon=True)
    sender.start()
    sender.join(timeout=5)
