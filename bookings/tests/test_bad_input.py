"""Booking pages and endpoints answer bad input with a 4xx or a friendly page, never a 500."""

from datetime import timedelta
from urllib.parse import quote

import pytest

from bookings import services
from bookings.models import Booking
from mentors.models import Slot
from mentors.tests.factories import MentorProfileFactory, SlotFactory

pytestmark = pytest.mark.django_db

EXTREME_DAYS = ["9999-12-31", "0001-01-01"]
EXTREME_MOMENTS = ["9999-12-31T23:30:00+00:00", "9999-12-31T23:30:00-05:00", "0001-01-01T00:00:00+00:00",
                   "0001-01-01T00:30:00+05:00"]


def fields_of(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_booking_a_session_at_the_end_of_the_calendar_is_a_400_naming_scheduled_at(api, mentee, profile, moment):
    response = api(mentee).post("/api/v1/sessions", {"mentor_id": profile.pk, "scheduled_at": moment,
                                                     "duration_minutes": 60})
    assert response.status_code == 400
    assert fields_of(response) == ["scheduled_at"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_rescheduling_to_the_end_of_the_calendar_is_a_400_naming_session_date(api, mentee, one_seat_slot, day):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    response = api(mentee).post(f"/api/v1/mentors/bookings/{booking.pk}/reschedule/",
                                {"session_date": day, "start_time": "23:30"})
    assert response.status_code == 400
    assert fields_of(response) == ["session_date"]


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_the_reschedule_picker_for_a_week_at_the_end_of_the_calendar_shows_this_week(client, mentee, one_seat_slot,
                                                                                     day):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    client.force_login(mentee)
    response = client.get(f"/bookings/{booking.pk}/reschedule/", {"week": day})
    assert response.status_code == 200
    assert response.context["prev_week"] is None  # this week: nothing earlier to go back to


@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_the_book_page_for_a_time_at_the_end_of_the_calendar_asks_to_pick_a_time(client, mentee, profile, moment):
    client.force_login(mentee)
    response = client.get(f"/mentors/{profile.pk}/book/?start={quote(moment)}")
    assert response.status_code == 200
    assert response.context["choice"] is None
    assert response.context["form"].errors["start"]


@pytest.mark.parametrize("moment", EXTREME_MOMENTS)
def test_posting_the_book_page_with_a_time_at_the_end_of_the_calendar_books_nothing(client, mentee, profile, moment):
    client.force_login(mentee)
    response = client.post(f"/mentors/{profile.pk}/book/", {"start": moment})
    assert response.status_code == 200
    assert response.context["form"].errors["start"]
    assert not Booking.objects.exists()


def test_the_book_page_with_a_slot_that_does_not_exist_is_a_404(client, mentee, profile):
    client.force_login(mentee)
    assert client.get(f"/mentors/{profile.pk}/book/?slot=987654").status_code == 404
    assert client.post(f"/mentors/{profile.pk}/book/", {"slot": 987654}).status_code == 404
    assert not Booking.objects.exists()


def test_the_book_page_with_another_mentors_slot_is_a_404(client, mentee, profile):
    foreign = SlotFactory(mentor=MentorProfileFactory())
    client.force_login(mentee)
    assert client.get(f"/mentors/{profile.pk}/book/?slot={foreign.pk}").status_code == 404
    assert client.post(f"/mentors/{profile.pk}/book/", {"slot": foreign.pk}).status_code == 404
    assert not Booking.objects.exists()


def test_the_book_page_with_a_withdrawn_slot_is_a_404(client, mentee, profile, one_seat_slot):
    one_seat_slot.is_active = False
    one_seat_slot.save(update_fields=["is_active"])
    client.force_login(mentee)
    assert client.get(f"/mentors/{profile.pk}/book/?slot={one_seat_slot.pk}").status_code == 404


CANCEL_PATHS = ["/api/v1/sessions/{pk}", "/api/v1/mentors/bookings/{pk}/"]


@pytest.mark.parametrize("path", CANCEL_PATHS)
@pytest.mark.parametrize("body", ["[1]", '"abc"', "123", '[["reason", "x"]]', '{"reason": {"a": 1}}'])
def test_a_cancel_whose_body_is_not_an_object_with_a_text_reason_is_a_400_and_cancels_nothing(
        api, mentee, one_seat_slot, path, body):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    response = api(mentee).delete(path.format(pk=booking.pk), body, content_type="application/json")
    assert response.status_code == 400 and "errors" in response.json()
    assert Booking.objects.get(pk=booking.pk).status == booking.status


@pytest.mark.parametrize("path", CANCEL_PATHS)
def test_a_cancel_reason_is_limited_to_2000_characters_on_every_route(api, mentee, one_seat_slot, path):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    response = api(mentee).delete(path.format(pk=booking.pk), {"reason": "r" * 2001}, format="json")
    assert response.status_code == 400 and fields_of(response) == ["reason"]
    assert Booking.objects.get(pk=booking.pk).status == booking.status
    kept = api(mentee).delete(path.format(pk=booking.pk), {"reason": "Plans changed"}, format="json")
    assert kept.status_code == 204
    assert Booking.objects.get(pk=booking.pk).cancellation_reason == "Plans changed"


def test_asking_for_another_length_at_an_open_group_seat_is_a_400_not_a_seat_charged_at_the_slots_length(
        api, mentee, profile, group_slot):
    at = group_slot.start.isoformat()
    response = api(mentee).post("/api/v1/sessions", {"mentor_id": profile.pk, "scheduled_at": at,
                                                     "duration_minutes": 15}, format="json")
    assert response.status_code == 400 and fields_of(response) == ["duration_minutes"]
    assert "60-minute session" in response.json()["detail"]
    assert not Booking.objects.exists()
    assert Slot.objects.get(pk=group_slot.pk).seats_taken == 0
    for asked in ({"duration_minutes": 60}, {}):  # its own length, or none: a seat in it
        joined = api(mentee).post("/api/v1/sessions", {"mentor_id": profile.pk, "scheduled_at": at, **asked},
                                  format="json")
        assert joined.status_code == 201, joined.json()
        Booking.objects.all().delete()
        Slot.objects.filter(pk=group_slot.pk).update(seats_taken=0)


def test_a_session_topic_with_a_line_break_is_a_400_on_the_api_and_refused_on_the_page(api, client, mentee, profile,
                                                                                        tomorrow_10):
    response = api(mentee).post("/api/v1/sessions", {"mentor_id": profile.pk, "scheduled_at": tomorrow_10.isoformat(),
                                                     "topic": "Hi\r\nEND:VEVENT"}, format="json")
    assert response.status_code == 400 and fields_of(response) == ["topic"]
    client.force_login(mentee)
    stamp = tomorrow_10.strftime("%Y-%m-%dT%H:%M:%S%z")
    page = client.post(f"/mentors/{profile.pk}/book/?start={quote(stamp)}", {"start": stamp, "topic": "Hi\r\nthere"})
    assert "topic" in page.context["form"].errors
    assert not Booking.objects.exists()


def test_a_session_past_the_booking_horizon_is_refused_and_not_offered(api, mentee, profile, tomorrow_10, settings):
    settings.BOOKING_HORIZON_DAYS = 30
    far = tomorrow_10 + timedelta(days=40)
    response = api(mentee).post("/api/v1/sessions", {"mentor_id": profile.pk, "scheduled_at": far.isoformat()},
                                format="json")
    assert response.status_code == 400 and fields_of(response) == ["scheduled_at"]
    assert "up to 30 days ahead" in response.json()["detail"]
    offered = api(mentee).get(f"/api/v1/mentors/{profile.pk}/availability",
                              {"from": (tomorrow_10 + timedelta(days=25)).date().isoformat(),
                               "to": (tomorrow_10 + timedelta(days=45)).date().isoformat()}).json()
    starts = [t["start"] for t in (offered["items"] if isinstance(offered, dict) else offered)]
    assert starts and max(starts) < (tomorrow_10 + timedelta(days=31)).isoformat()
    assert not Booking.objects.exists()
