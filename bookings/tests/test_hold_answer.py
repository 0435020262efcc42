"""A hold's 201 is built from the booking the service has just written rather than read back: it must say
exactly what reading the booking back says, for every kind of seat. Taking a seat checks the mentee's other
bookings in one read, and says which clash it found."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from bookings.tests.test_booking_api import V1, assert_error, hold, seats
from mentors.tests.factories import SlotFactory
from sessions_app import services as session_services

pytestmark = pytest.mark.django_db

# The JWT user; the slot's lock; overdue seats in it; the mentee's clashes; the seat; re-reading its count;
# the booking and its audit row; the history for the answer. (The savepoints around a hold are not counted.)
HOLD_QUERIES = 9


def read_back(api, user, body: dict) -> dict:
    answer = api(user).get(f"{V1}/booking/{body['id']}")
    assert answer.status_code == 200, answer.content
    return answer.json()


@pytest.mark.parametrize("kind", ["requested, with its service", "booked, priced", "booked, free"])
def test_the_answer_to_a_hold_is_the_booking_exactly_as_reading_it_back_shows_it(
        api, mentee, profile, service, one_seat_slot, kind):
    extra = {}
    if kind.startswith("requested"):
        profile.requires_confirmation, profile.hold_minutes = True, 30
        one_seat_slot.service = service
        one_seat_slot.save()
        extra = {"serviceId": str(service.pk)}
    if kind.endswith("free"):
        profile.price_per_hour = Decimal("0")
    profile.save()

    held = hold(api(mentee), one_seat_slot, **extra)

    assert held.status_code == 201, held.content
    assert held.json() == read_back(api, mentee, held.json())
    assert (held.json()["flow_status"], held.json()["payment_url"] is None) == {
        "requested, with its service": ("requested", False), "booked, priced": ("booked", False),
        "booked, free": ("booked", True)}[kind]


def test_a_free_seat_taken_while_its_room_is_open_and_in_use_is_answered_as_in_progress(
        api, mentee, mentor, profile, group_slot):
    profile.price_per_hour = Decimal("0")
    profile.save()
    first = UserFactory()
    with freeze_time(group_slot.start - timedelta(minutes=5)):  # inside the join window, before the start
        assert hold(api(first), group_slot).status_code == 201
        session_services.session_join(booking_id=group_slot.bookings.get().pk, user=mentor)

        held = hold(api(mentee), group_slot)

        assert held.status_code == 201, held.content
        assert held.json()["live_status"] == "in-progress"
        assert held.json() == read_back(api, mentee, held.json())


def test_a_hold_makes_a_fixed_number_of_queries(api, mentee, one_seat_slot):
    client = api(mentee)
    with CaptureQueriesContext(connection) as queries:
        assert hold(client, one_seat_slot).status_code == 201
    assert len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]) == HOLD_QUERIES


def test_a_second_seat_in_the_same_slot_is_refused_as_such(api, mentee, group_slot):
    assert hold(api(mentee), group_slot).status_code == 201
    body = assert_error(hold(api(mentee), group_slot), 409)
    assert body["detail"] == "You already have a seat in this slot."
    assert seats(group_slot) == 1


def test_a_seat_at_the_time_of_another_booking_is_refused_as_a_clash(api, mentee, profile, one_seat_slot):
    same_time = SlotFactory(mentor__user=UserFactory(), start=one_seat_slot.start, end=one_seat_slot.end)
    assert hold(api(mentee), one_seat_slot).status_code == 201
    body = assert_error(hold(api(mentee), same_time), 409)
    assert body["detail"] == "You already have a session at that time."
    assert seats(same_time) == 0
