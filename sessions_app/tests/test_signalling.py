"""The built-in room's signalling socket, driven with Channels' WebsocketCommunicator."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from freezegun import freeze_time
from rest_framework_simplejwt.tokens import AccessToken

from bookings import services as booking_services
from bookings.models import Booking
from mentorhub.routing import websocket_urlpatterns
from mentorhub.ws_auth import JWTQueryStringAuthMiddleware
from sessions_app.services import meeting_for

pytestmark = pytest.mark.django_db(transaction=True)


def application():
    return JWTQueryStringAuthMiddleware(URLRouter(websocket_urlpatterns))


async def connect(room: str, token: str):
    communicator = WebsocketCommunicator(application(), f"/ws/meetings/{room}/?token={token}")
    communicator.scope["user"] = AnonymousUser()
    # Connecting signs in and joins the room's group on the channel layer: on a loaded machine the first
    # connect of a test (a new event loop, so a new Redis connection) once took longer than the default 1 s.
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


@pytest.fixture
def room(mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(payment_status="paid")
    booking.refresh_from_db()
    return booking, meeting_for(booking).room_name


def in_window(booking):
    return freeze_time(booking.slot.start - timedelta(minutes=5), tick=True)


def test_two_participants_exchange_offer_answer_and_ice(room, mentee, mentor):
    booking, name = room

    async def scenario():
        mentor_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentor)))
        assert ok
        mentor_peer = (await mentor_ws.receive_json_from())["peer_id"]
        mentee_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentee)))
        assert ok
        welcome = await mentee_ws.receive_json_from()
        assert welcome["type"] == "welcome"
        joined = await mentor_ws.receive_json_from()
        assert joined == {"type": "peer-joined", "peer_id": welcome["peer_id"], "name": mentee.display_name}

        await mentor_ws.send_json_to({"type": "offer", "to": welcome["peer_id"], "data": {"sdp": "v=0 offer"}})
        assert await mentee_ws.receive_json_from() == {"type": "offer", "from": mentor_peer,
                                                       "data": {"sdp": "v=0 offer"}, "name": mentor.display_name}
        await mentee_ws.send_json_to({"type": "answer", "to": mentor_peer, "data": {"sdp": "v=0 answer"}})
        assert (await mentor_ws.receive_json_from())["type"] == "answer"
        await mentee_ws.send_json_to({"type": "ice", "to": mentor_peer, "data": {"candidate": "c1"}})
        assert (await mentor_ws.receive_json_from())["data"] == {"candidate": "c1"}
        assert await mentee_ws.receive_nothing(timeout=0.2)  # nothing echoed back to the sender

        await mentee_ws.disconnect()
        assert await mentor_ws.receive_json_from() == {"type": "peer-left", "peer_id": welcome["peer_id"],
                                                       "name": mentee.display_name}
        await mentor_ws.disconnect()

    with in_window(booking):
        async_to_sync(scenario)()


def test_an_outsider_is_refused(room, other_user):
    booking, name = room

    async def scenario():
        _, ok, code = await connect(name, str(AccessToken.for_user(other_user)))
        assert not ok and code == 4403

    with in_window(booking):
        async_to_sync(scenario)()


def test_an_expired_token_is_refused(room, mentee):
    booking, name = room
    token = AccessToken.for_user(mentee)
    token.set_exp(lifetime=-timedelta(minutes=1))

    async def scenario():
        _, ok, _ = await connect(name, str(token))
        assert not ok

    with in_window(booking):
        async_to_sync(scenario)()


def test_a_participant_outside_the_window_is_refused(room, mentee):
    booking, name = room

    async def scenario():
        _, ok, _ = await connect(name, str(AccessToken.for_user(mentee)))
        assert not ok

    with freeze_time(booking.slot.start - timedelta(hours=2), tick=True):
        async_to_sync(scenario)()


def test_malformed_messages_get_an_error_not_a_relay(room, mentee):
    booking, name = room

    async def scenario():
        ws, ok, _ = await connect(name, str(AccessToken.for_user(mentee)))
        await ws.receive_json_from()
        await ws.send_json_to({"type": "shout", "data": "hello"})
        assert (await ws.receive_json_from())["type"] == "error"
        await ws.disconnect()

    with in_window(booking):
        async_to_sync(scenario)()


async def closed_code(ws) -> tuple[list[str], int | None]:
    """Read until the server closes the socket: the message types seen, and the close code."""
    seen = []
    for _ in range(10):
        output = await ws.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return seen, output.get("code")
        seen.append(__import__("json").loads(output["text"])["type"])
    return seen, None


def test_open_room_sockets_close_when_the_booking_is_cancelled(room, mentee, mentor):
    from channels.db import database_sync_to_async

    booking, name = room

    async def scenario():
        mentor_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentor)))
        assert ok and (await mentor_ws.receive_json_from())["type"] == "welcome"
        mentee_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentee)))
        assert ok and (await mentee_ws.receive_json_from())["type"] == "welcome"
        await database_sync_to_async(booking_services.booking_cancel)(booking_id=booking.pk, actor=mentee)
        seen, code = await closed_code(mentee_ws)
        assert "closed" in seen and code == 4410
        seen, code = await closed_code(mentor_ws)  # nobody paid is left, so the mentor's room closes too
        assert "closed" in seen and code == 4410

    with in_window(booking):
        async_to_sync(scenario)()


def test_a_no_show_closes_the_mentees_socket_and_a_later_connect_is_refused(room, mentee, mentor):
    from channels.db import database_sync_to_async

    from sessions_app import services

    booking, name = room

    async def scenario():
        mentee_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentee)))
        assert ok and (await mentee_ws.receive_json_from())["type"] == "welcome"
        await database_sync_to_async(services.session_no_show)(booking_id=booking.pk, user=mentor)
        _, code = await closed_code(mentee_ws)
        assert code == 4410
        _, ok, code = await connect(name, str(AccessToken.for_user(mentee)))
        assert not ok and code == 4403

    with freeze_time(booking.slot.start + timedelta(minutes=5), tick=True):
        async_to_sync(scenario)()


def test_an_unpaid_seat_cannot_enter_the_room(room, mentee, mentor):
    booking, name = room
    Booking.objects.filter(pk=booking.pk).update(payment_status="pending")

    async def scenario():
        for user in (mentee, mentor):
            _, ok, code = await connect(name, str(AccessToken.for_user(user)))
            assert not ok and code == 4403

    with in_window(booking):
        async_to_sync(scenario)()


def test_completing_the_session_keeps_everyone_in_the_call(room, mentee, mentor):
    from channels.db import database_sync_to_async

    from sessions_app import services

    booking, name = room

    async def scenario():
        mentor_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentor)))
        assert ok and (await mentor_ws.receive_json_from())["type"] == "welcome"
        mentee_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentee)))
        assert ok and (await mentee_ws.receive_json_from())["type"] == "welcome"
        assert (await mentor_ws.receive_json_from())["type"] == "peer-joined"
        await database_sync_to_async(services.session_complete)(booking_id=booking.pk, user=mentor)
        assert await mentee_ws.receive_nothing(timeout=0.5) and await mentor_ws.receive_nothing(timeout=0.1)
        await mentee_ws.send_json_to({"type": "ice", "to": "someone", "data": {}})  # both still connected
        await mentee_ws.disconnect()
        assert (await mentor_ws.receive_json_from())["type"] == "peer-left"
        await mentor_ws.disconnect()

    with freeze_time(booking.slot.start + timedelta(minutes=5), tick=True):
        async_to_sync(scenario)()


def test_a_no_show_leaves_the_mentor_in_the_room(room, mentee, mentor):
    from channels.db import database_sync_to_async

    from sessions_app import services

    booking, name = room

    async def scenario():
        mentor_ws, ok, _ = await connect(name, str(AccessToken.for_user(mentor)))
        assert ok and (await mentor_ws.receive_json_from())["type"] == "welcome"
        await database_sync_to_async(services.session_no_show)(booking_id=booking.pk, user=mentor)
        assert await mentor_ws.receive_nothing(timeout=0.5)
        await mentor_ws.disconnect()

    with freeze_time(booking.slot.start + timedelta(minutes=5), tick=True):
        async_to_sync(scenario)()
