"""The channel layer across two server processes: chat sent to process A reaches a socket on process B.

Production runs several Daphne processes behind one address; a user's sockets may sit on any of them,
and only the Redis channel layer joins them up. Two real Daphne processes serve the test database here
(committed rows: ``transactional_db``), each on a free port; the clients are real WebSockets.
"""

import asyncio
import json
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from rest_framework_simplejwt.tokens import AccessToken

from mentorhub import ws_client
from mentorhub.testing import Daphne, requires_postgresql, requires_redis
from mentorhub.testing import servers as started_servers
from messaging.models import Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, requires_redis, requires_postgresql]



class Server(Daphne):
    """One Daphne process serving mentorhub.asgi on the test database and the suite's Redis."""

    def socket_url(self, user) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/chat?token={AccessToken.for_user(user)}"

    def post(self, path: str, user, body: dict) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method="POST", data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {AccessToken.for_user(user)}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
            return json.loads(response.read())


@pytest.fixture
def servers(transactional_db):
    with started_servers(Server, 2) as both:  # both start at once; each is then waited for
        yield both


def test_a_message_sent_to_process_a_reaches_the_recipients_socket_on_process_b(servers, mentee, listed_mentor):
    a, b = servers

    async def scenario():
        sender = await ws_client.connect(a.socket_url(mentee))
        recipient = await ws_client.connect(b.socket_url(listed_mentor))
        senders_other_tab = await ws_client.connect(b.socket_url(mentee))
        try:
            await sender.send_json({"type": "message", "recipient_id": listed_mentor.pk, "text": "From A",
                                    "client_id": "c-1"})
            ack = await sender.receive_json(timeout=10)
            assert (ack["type"], ack["client_id"]) == ("ack", "c-1"), ack
            pushed = await recipient.receive_json(timeout=10)
            assert pushed == {"type": "message", **ack["message"], "conversation_id": ack["conversation_id"]}
            assert await senders_other_tab.receive_json(timeout=10) == pushed  # the sender's tab on B as well
            assert await sender.receive_nothing(timeout=0.3)  # its ack was its answer, on A

            # The other way: a reply sent over REST to B reaches the first sender's socket on A.
            reply = await asyncio.to_thread(b.post, "/api/v1/messages", listed_mentor,
                                            {"recipient_id": mentee.pk, "text": "Back from B"})
            pushed = await sender.receive_json(timeout=10)
            assert (pushed["type"], pushed["id"], pushed["text"]) == ("message", reply["id"], "Back from B")
        finally:
            for ws in (sender, recipient, senders_other_tab):
                await ws.close()

    async_to_sync(scenario)()
    assert list(Message.objects.order_by("pk").values_list("text", flat=True)) == ["From A", "Back from B"]


def test_a_message_posted_over_rest_to_process_a_reaches_the_recipients_socket_on_process_b(
        servers, mentee, listed_mentor):
    a, b = servers

    async def scenario():
        recipient = await ws_client.connect(b.socket_url(listed_mentor))
        try:
            sent = await asyncio.to_thread(a.post, "/api/v1/messages", mentee,
                                           {"recipient_id": listed_mentor.pk, "text": "Posted to A"})
            pushed = await recipient.receive_json(timeout=10)
            assert (pushed["type"], pushed["id"], pushed["text"]) == ("message", sent["id"], "Posted to A")
        finally:
            await recipient.close()

    async_to_sync(scenario)()
