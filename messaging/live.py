"""Chat events sent to open ``/ws/chat`` sockets, after commit.

Each user's chat sockets share the group ``chat.<user id>`` (not the notifications group: those sockets
must not hear chat traffic). ``origin`` is the channel of the socket that caused the event, which gets
its own answer (an ack) instead of the broadcast.
"""

from django.db import transaction

from mentorhub.realtime import group_send


def chat_group(user_id: int) -> str:
    return f"chat.{user_id}"


def chat_event_on_commit(*, user_ids, event: dict, origin: str | None = None) -> None:
    users = list(user_ids)
    transaction.on_commit(lambda: chat_event(user_ids=users, event=event, origin=origin), robust=True)


def chat_event(*, user_ids, event: dict, origin: str | None = None) -> None:
    for user_id in user_ids:
        group_send(chat_group(user_id), {"type": "chat.event", "event": event, "origin": origin})
