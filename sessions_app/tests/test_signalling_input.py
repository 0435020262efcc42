"""WebSocket input the server cannot use: unknown paths and unreadable frames end cleanly, never in a traceback."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.tokens import AccessToken

from mentorhub.routing import router
from mentorhub.ws_auth import JWTQueryStringAuthMiddleware
from sessions_app.tests.test_signalling import connect, in_window, room  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


# /ws/bench/relay: `make bench`'s baseline exists only with BENCH_ENDPOINTS=1.
@pytest.mark.parametrize("path", ["/ws/nowhere/", "/ws/chats", "/", "/ws/meetings/", "/ws/meetings/a/b/",
                                  "/ws/bench/relay"])
def test_a_handshake_to_an_unknown_path_is_closed_with_4404(path):
    async def scenario():
        communicator = WebsocketCommunicator(JWTQueryStringAuthMiddleware(router()), path)
        communicator.scope["user"] = AnonymousUser()
        connected, code = await communicator.connect()
        assert (connected, code) == (False, 4404)

    async_to_sync(scenario)()


def test_the_deployed_asgi_app_closes_an_unknown_path_too():
    from mentorhub.asgi import application as deployed

    async def scenario():
        communicator = WebsocketCommunicator(deployed, "/ws/nowhere/", headers=[(b"origin", b"http://localhost"),
                                                                               (b"host", b"localhost")])
        connected, code = await communicator.connect()
        assert (connected, code) == (False, 4404)

    async_to_sync(scenario)()


FRAMES = {
    "not json": {"text_data": "hello"},
    "truncated json": {"text_data": '{"type": "offer"'},
    "a json list": {"text_data": '[{"type": "offer"}]'},
    "a json string": {"text_data": '"offer"'},
    "json nested past the recursion limit": {"text_data": "[" * 100_000 + "]" * 100_000},
    "binary": {"bytes_data": b"\x00\x01"},
}


@pytest.mark.parametrize("frame", FRAMES.values(), ids=FRAMES.keys())
def test_an_unreadable_frame_in_a_room_gets_an_error_and_the_room_goes_on(room, mentee, mentor, frame):  # noqa: F811
    booking, name = room

    async def scenario():
        ws, ok, _ = await connect(name, str(AccessToken.for_user(mentee)))
        assert ok
        await ws.receive_json_from()  # welcome
        await ws.send_to(**frame)
        assert (await ws.receive_json_from())["type"] == "error"
        # Still connected and still relaying.
        other, ok, _ = await connect(name, str(AccessToken.for_user(mentor)))
        other_peer = (await other.receive_json_from())["peer_id"]
        assert (await ws.receive_json_from())["type"] == "peer-joined"
        await ws.send_json_to({"type": "offer", "to": other_peer, "data": {"sdp": "v=0"}})
        assert (await other.receive_json_from())["type"] == "offer"
        await ws.disconnect()
        await other.disconnect()

    with in_window(booking):
        async_to_sync(scenario)()
