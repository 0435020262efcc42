"""The session chat over ``/ws/chat``: the ``session_message`` frame, and who hears it."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from messaging.tests.test_live import connect
from sessions_app.models import SessionMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seats(mentee, group_slot):
    """Mia and Gus in one group slot, and Carl, whose seat there was cancelled."""
    return (BookingFactory(slot=group_slot, mentee=mentee),
            BookingFactory(slot=group_slot, mentee=UserFactory(full_name="Gus Groupmate")),
            BookingFactory(slot=group_slot, mentee=UserFactory(full_name="Carl Cancelled"),
                           status=Booking.Status.CANCELLED))


def frame(booking, text="Hello, group!", **extra) -> dict:
    return {"type": "session_message", "booking_id": booking.pk, "text": text, **extra}


def test_a_session_message_is_acked_and_reaches_every_participant_of_the_group_slot_and_no_one_else(
        mentee, mentor, other_user, seats):
    seat, other_seat, cancelled = seats

    async def scenario():
        sender, senders_other_tab = await connect(mentee), await connect(mentee)
        groupmate, mentor_tab = await connect(other_seat.mentee), await connect(mentor)
        outsider, cancelled_tab = await connect(other_user), await connect(cancelled.mentee)
        await sender.send_json_to(frame(seat, client_id="s-1"))
        ack = await sender.receive_json_from()
        message = await database_sync_to_async(SessionMessage.objects.get)()
        fields = {"id": message.pk, "sender_id": mentee.pk, "sender_name": "Mia Mentee", "text": "Hello, group!",
                  "sent_at": ack["message"]["sent_at"]}
        assert ack == {"type": "ack", "client_id": "s-1", "slot_id": seat.slot_id, "booking_id": seat.pk,
                       "message": fields}
        pushed = {"type": "session_message", "slot_id": seat.slot_id, **fields}
        for tab in (groupmate, mentor_tab, senders_other_tab):
            assert await tab.receive_json_from() == pushed
        assert await sender.receive_nothing(timeout=0.2)  # its ack was its answer
        assert await outsider.receive_nothing(timeout=0.2)
        assert await cancelled_tab.receive_nothing(timeout=0.2)
        for ws in (sender, senders_other_tab, groupmate, mentor_tab, outsider, cancelled_tab):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_session_message_sent_over_rest_reaches_the_mentors_socket(api, mentee, mentor, seats):
    client = api(mentee)

    async def scenario():
        tab = await connect(mentor)
        response = await database_sync_to_async(client.post)(
            f"/api/v1/bookings/{seats[0].pk}/chat", {"text": "Over REST"}, format="json")
        assert response.status_code == 201
        pushed = await tab.receive_json_from()
        assert pushed["type"] == "session_message" and pushed["id"] == response.json()["id"]
        await tab.disconnect()

    async_to_sync(scenario)()


REFUSED = {
    "an outsider's booking": (lambda seats: frame(seats[1], client_id=7), 404),
    "empty text": (lambda seats: frame(seats[0], "  ", client_id=7), 400),
    "a booking id that is a string": (lambda seats: {**frame(seats[0], client_id=7), "booking_id": "1"}, 400),
    "text that is not a string": (lambda seats: {**frame(seats[0], client_id=7), "text": 5}, 400),
}


@pytest.mark.parametrize("refused", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_session_message_is_an_error_frame_and_the_socket_keeps_working(mentee, seats, refused):
    make, status = refused

    async def scenario():
        tab = await connect(mentee)
        await tab.send_json_to(make(seats))
        error = await tab.receive_json_from()
        assert error["type"] == "error" and error["status_code"] == status and error["client_id"] == 7
        await tab.send_json_to(frame(seats[0]))
        assert (await tab.receive_json_from())["type"] == "ack"
        await tab.disconnect()

    async_to_sync(scenario)()
    assert SessionMessage.objects.count() == 1


def test_a_cancelled_seat_cannot_write_over_the_socket(seats):
    cancelled = seats[2]

    async def scenario():
        tab = await connect(cancelled.mentee)
        await tab.send_json_to(frame(cancelled, client_id="c"))
        error = await tab.receive_json_from()
        assert error == {"type": "error", "client_id": "c", "detail": "No such session.", "status_code": 404,
                         "errors": []}
        await tab.disconnect()

    async_to_sync(scenario)()
    assert not SessionMessage.objects.exists()


def test_the_rate_limit_holds_over_the_socket(mentee, seats, settings):
    settings.MESSAGES_PER_MINUTE = 1

    async def scenario():
        tab = await connect(mentee)
        await tab.send_json_to(frame(seats[0], client_id="a"))
        assert (await tab.receive_json_from())["type"] == "ack"
        await tab.send_json_to(frame(seats[0], client_id="b"))
        limited = await tab.receive_json_from()
        assert limited["status_code"] == 429 and limited["client_id"] == "b"
        await tab.disconnect()

    async_to_sync(scenario)()
    assert SessionMessage.objects.count() == 1
