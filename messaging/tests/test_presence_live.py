"""Both sockets count their user as present (messaging.Presence) while open, and answer a ping with a pong."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils import timezone

from messaging.models import Presence
from messaging.tests.test_live import connect

pytestmark = pytest.mark.django_db(transaction=True)

CHAT, NOTIFICATIONS = "/ws/chat", "/ws/notifications"


@database_sync_to_async
def presence(user) -> tuple[int, object] | None:
    row = Presence.objects.filter(user=user).first()
    return None if row is None else (row.open_sockets, row.last_seen_at)


@database_sync_to_async
def backdate(user, minutes: int):
    moment = timezone.now() - timedelta(minutes=minutes)
    Presence.objects.filter(user=user).update(last_seen_at=moment)
    return moment


async def open_socket(user, path):
    ws = await connect(user, path=path)
    if path == NOTIFICATIONS:
        assert (await ws.receive_json_from())["type"] == "unread_count"
    return ws


def test_each_open_socket_of_either_kind_counts_and_closing_uncounts_it(mentee, other_user):
    async def scenario():
        assert await presence(mentee) is None
        chat = await open_socket(mentee, CHAT)
        assert (await presence(mentee))[0] == 1
        bell = await open_socket(mentee, NOTIFICATIONS)
        assert (await presence(mentee))[0] == 2
        await chat.disconnect()
        assert (await presence(mentee))[0] == 1
        await bell.disconnect()
        count, last_seen = await presence(mentee)
        assert count == 0 and timezone.now() - last_seen < timedelta(seconds=5)
        assert await presence(other_user) is None

    async_to_sync(scenario)()


@pytest.mark.parametrize("path", [CHAT, NOTIFICATIONS])
def test_a_ping_is_answered_with_a_pong_and_refreshes_the_presence(mentee, path):
    async def scenario():
        ws = await open_socket(mentee, path)
        old = await backdate(mentee, 10)
        await ws.send_json_to({"type": "ping"})
        assert await ws.receive_json_from() == {"type": "pong"}
        count, last_seen = await presence(mentee)
        assert count == 1 and last_seen > old + timedelta(minutes=9)
        await ws.disconnect()

    async_to_sync(scenario)()


def test_any_chat_frame_refreshes_the_presence_at_most_every_thirty_seconds(mentee, monkeypatch):
    from messaging import presence as module

    async def scenario():
        ws = await open_socket(mentee, CHAT)
        old = await backdate(mentee, 10)
        await ws.send_json_to({"type": "typing", "conversation_id": 999})
        assert (await ws.receive_json_from())["type"] == "error"
        assert (await presence(mentee))[1] == old  # just connected: no second write so soon
        monkeypatch.setattr(module, "TOUCH_EVERY_SECONDS", 0)
        await ws.send_json_to({"type": "typing", "conversation_id": 999})
        assert (await ws.receive_json_from())["type"] == "error"
        assert (await presence(mentee))[1] > old + timedelta(minutes=9)
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_ping_on_the_chat_socket_echoes_its_client_id_and_unknown_frames_still_get_an_error(mentee):
    async def scenario():
        chat = await open_socket(mentee, CHAT)
        await chat.send_json_to({"type": "ping", "client_id": "p1"})
        assert await chat.receive_json_from() == {"type": "pong", "client_id": "p1"}
        await chat.send_json_to({"type": "pong"})
        error = await chat.receive_json_from()
        assert error["type"] == "error" and "ping" in error["detail"]
        bell = await open_socket(mentee, NOTIFICATIONS)
        await bell.send_json_to({"type": "ping", "extra": 1})
        assert (await bell.receive_json_from())["type"] == "error"
        for ws in (chat, bell):
            await ws.disconnect()

    async_to_sync(scenario)()
