"""``/ws/chat``: messages, read receipts and typing over the socket, with the same rules as the API."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.tokens import AccessToken

from mentorhub.routing import websocket_urlpatterns
from mentorhub.testing import database_url, requires_redis, socket_for
from mentorhub.ws_auth import JWTQueryStringAuthMiddleware
from messaging import services
from messaging.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


async def connect(user=None, *, path="/ws/chat", token: str | None = None):
    communicator = socket_for(path, user=user, token=token)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def message_frame(recipient, text="Hello!", **extra) -> dict:
    return {"type": "message", "recipient_id": recipient.pk, "text": text, **extra}


@pytest.mark.parametrize("path", ["/ws/chat", "/ws/chat/"])
def test_the_spec_frame_is_acked_to_the_sender_and_reaches_every_socket_of_the_recipient_and_no_one_else(
        mentee, listed_mentor, other_user, path):
    async def scenario():
        sender = await connect(mentee, path=path)
        senders_other_tab = await connect(mentee)
        first_tab, second_tab = await connect(listed_mentor), await connect(listed_mentor)
        outsider = await connect(other_user)
        await sender.send_json_to(message_frame(listed_mentor, client_id="c-1"))
        ack = await sender.receive_json_from()
        message = await database_sync_to_async(Message.objects.get)()
        rest = {"id": message.pk, "sender_id": mentee.pk, "recipient_id": listed_mentor.pk, "text": "Hello!",
                "sent_at": ack["message"]["sent_at"], "read": False}
        assert ack == {"type": "ack", "client_id": "c-1", "conversation_id": message.conversation_id,
                       "message": rest}
        pushed = {"type": "message", **rest, "conversation_id": message.conversation_id}
        for tab in (first_tab, second_tab, senders_other_tab):
            assert await tab.receive_json_from() == pushed
        assert await sender.receive_nothing(timeout=0.2)  # its ack was its answer
        assert await outsider.receive_nothing(timeout=0.2)
        for ws in (sender, senders_other_tab, first_tab, second_tab, outsider):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_message_sent_over_rest_is_pushed_to_open_sockets(api, mentee, listed_mentor):
    client = api(mentee)

    async def scenario():
        tab = await connect(listed_mentor)
        response = await database_sync_to_async(client.post)(
            "/api/v1/messages", {"recipient_id": listed_mentor.pk, "text": "Over REST"}, format="json")
        assert response.status_code == 201
        pushed = await tab.receive_json_from()
        assert pushed["type"] == "message" and pushed["id"] == response.json()["id"]
        await tab.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("token", [None, "not-a-token", "expired"])
def test_a_socket_without_a_valid_token_is_closed_with_4401(mentee, token):
    if token == "expired":
        access = AccessToken.for_user(mentee)
        access.set_exp(lifetime=-timedelta(minutes=1))
        token = str(access)

    async def scenario():
        communicator = WebsocketCommunicator(JWTQueryStringAuthMiddleware(URLRouter(websocket_urlpatterns)),
                                             f"/ws/chat{f'?token={token}' if token else ''}")
        communicator.scope["user"] = AnonymousUser()
        connected, _ = await communicator.connect()
        assert connected
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()


def test_the_site_session_cookie_signs_the_chat_socket_in(client, mentee, listed_mentor):
    from mentorhub.asgi import application as deployed

    client.force_login(mentee)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def scenario():
        ws = WebsocketCommunicator(deployed, "/ws/chat", headers=[
            (b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie)])
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to(message_frame(listed_mentor))
        assert (await ws.receive_json_from())["message"]["sender_id"] == mentee.pk
        await ws.disconnect()

    async_to_sync(scenario)()


def test_read_over_the_socket_sends_the_other_side_a_receipt(mentee, listed_mentor):
    async def scenario():
        mentee_tab, mentor_tab = await connect(mentee), await connect(listed_mentor)
        await mentee_tab.send_json_to(message_frame(listed_mentor))
        ack = await mentee_tab.receive_json_from()
        await mentor_tab.receive_json_from()
        conversation_id, message_id = ack["conversation_id"], ack["message"]["id"]
        await mentor_tab.send_json_to({"type": "read", "conversation_id": conversation_id, "up_to_id": message_id})
        answer = await mentor_tab.receive_json_from()
        assert answer["type"] == "ack" and answer["read"]["marked"] == 1
        receipt = await mentee_tab.receive_json_from()
        assert receipt == {"type": "read", "conversation_id": conversation_id, "up_to_id": message_id,
                           "read_at": answer["read"]["read_at"], "reader_id": listed_mentor.pk}
        await mentee_tab.send_json_to({"type": "typing", "conversation_id": conversation_id})
        assert await mentor_tab.receive_json_from() == {"type": "typing", "conversation_id": conversation_id,
                                                        "user_id": mentee.pk}
        assert await mentee_tab.receive_nothing(timeout=0.2)
        await mentee_tab.disconnect()
        await mentor_tab.disconnect()

    async_to_sync(scenario)()


def test_a_block_and_the_rate_limit_hold_over_the_socket(mentee, listed_mentor, settings):
    settings.MESSAGES_PER_MINUTE = 2

    async def scenario():
        mentee_tab, mentor_tab = await connect(mentee), await connect(listed_mentor)
        await mentee_tab.send_json_to(message_frame(listed_mentor, client_id=1))
        conversation_id = (await mentee_tab.receive_json_from())["conversation_id"]
        await mentor_tab.receive_json_from()
        await database_sync_to_async(services.conversation_block)(user=listed_mentor, conversation_id=conversation_id)
        await mentee_tab.send_json_to(message_frame(listed_mentor, client_id=2))
        refused = await mentee_tab.receive_json_from()
        assert refused == {"type": "error", "client_id": 2, "detail": "This person does not accept your messages.",
                           "status_code": 403, "errors": []}
        await mentee_tab.send_json_to(message_frame(listed_mentor, client_id=3))
        limited = await mentee_tab.receive_json_from()
        assert limited["status_code"] == 429 and limited["client_id"] == 3
        assert await mentor_tab.receive_nothing(timeout=0.2)
        await mentee_tab.disconnect()
        await mentor_tab.disconnect()

    async_to_sync(scenario)()
    assert Message.objects.count() == 1


MALFORMED = {
    "not json": "hello",
    "an array": "[1, 2]",
    "no type": json.dumps({"text": "x"}),
    "an unknown type": json.dumps({"type": "dance"}),
    "a type that is not a string": json.dumps({"type": ["message"]}),
    "a recipient that is a string": json.dumps({"type": "message", "recipient_id": "2", "text": "x"}),
    "a recipient that is a boolean": json.dumps({"type": "message", "recipient_id": True, "text": "x"}),
    "text that is a number": json.dumps({"type": "message", "recipient_id": 2, "text": 5}),
    "empty text": json.dumps({"type": "message", "recipient_id": 2, "text": "   "}),
    "a read without a conversation": json.dumps({"type": "read"}),
    "a read of someone else's conversation": json.dumps({"type": "read", "conversation_id": 999999}),
    "typing in no conversation": json.dumps({"type": "typing", "conversation_id": 999999}),
    "a huge frame": json.dumps({"type": "message", "recipient_id": 2, "text": "x" * 100_000}),
}


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_frames_get_an_error_frame_and_the_socket_keeps_working(mentee, listed_mentor, frame):
    async def scenario():
        tab = await connect(mentee)
        await tab.send_to(text_data=frame)
        error = await tab.receive_json_from()
        assert error["type"] == "error" and error["status_code"] in (400, 404, 413)
        assert set(error) >= {"detail", "errors"}
        await tab.send_to(bytes_data=b"\x00\x01")
        assert (await tab.receive_json_from())["type"] == "error"
        await tab.send_json_to(message_frame(listed_mentor))
        assert (await tab.receive_json_from())["type"] == "ack"
        await tab.disconnect()

    async_to_sync(scenario)()
    assert Message.objects.count() == 1


@requires_redis
def test_a_message_sent_in_another_process_reaches_the_socket_over_redis(mentee, listed_mentor):
    script = ("import django; django.setup()\n"
              "from accounts.models import User\n"
              "from messaging.services import message_send\n"
              f"message_send(sender=User.objects.get(pk={mentee.pk}), recipient_id={listed_mentor.pk},"
              " text='From another process')\n")
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "mentorhub.test_settings"}

    async def scenario():
        tab = await connect(listed_mentor)
        await database_sync_to_async(subprocess.run)([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                                                     timeout=60)
        message = await tab.receive_json_from(timeout=5)
        assert message["type"] == "message" and message["text"] == "From another process"
        await tab.disconnect()

    async_to_sync(scenario)()
