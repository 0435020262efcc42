"""A mentee's move waits for a mentor who confirms requests: a requested booking stays requested."""

from datetime import timedelta

import pytest

from bookings import selectors, services
from bookings.models import Booking
from notifications.models import Notification

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture
def confirming(profile):
    profile.requires_confirmation, profile.hold_minutes = True, 30
    profile.save()
    return profile


def test_a_moved_request_tells_the_mentor_it_asks_to_move_not_that_it_is_booked(
        mentee, mentor, confirming, one_seat_slot, tomorrow_10, django_capture_on_commit_callbacks):
    request = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(booking_id=request.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    to_mentor = Notification.objects.filter(user=mentor).latest("id")
    assert (to_mentor.kind, to_mentor.title) == ("booking.requested", "Mia Mentee asks to move a session")
    assert not Notification.objects.filter(user=mentor, kind="booking.scheduled").exists()


def test_the_mentor_confirms_a_moved_request_like_any_other(mentee, mentor, confirming, one_seat_slot,
                                                             tomorrow_10):
    request = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    moved = services.booking_reschedule(booking_id=request.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    confirmed = services.booking_confirm(booking_id=moved.pk, actor=mentor)
    assert confirmed.status == S.SCHEDULED and confirmed.slot.start == tomorrow_10 + timedelta(hours=3)


def test_a_scheduled_session_moved_by_the_mentee_waits_for_a_mentor_who_confirms_moves(
        mentee, mentor, confirming, one_seat_slot, tomorrow_10):
    confirming.confirm_reschedules = True
    confirming.save()
    booking = services.booking_confirm(booking_id=services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk).pk,
                                       actor=mentor)
    moved = services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    assert moved.status == S.REQUESTED and moved.hold_expires_at is not None
    assert [b.pk for b in selectors.requests_for_mentor(user=mentor)] == [moved.pk]
    assert Booking.objects.get(pk=booking.pk).slot.seats_taken == 1  # the new seat is held meanwhile


def test_a_scheduled_session_moved_by_the_mentee_stays_scheduled_when_the_mentor_does_not_confirm_moves(
        mentee, mentor, confirming, one_seat_slot, tomorrow_10):
    booking = services.booking_confirm(booking_id=services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk).pk,
                                       actor=mentor)
    moved = services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    assert moved.status == S.SCHEDULED


def test_the_mentors_own_move_of_a_scheduled_session_needs_no_confirmation(mentee, mentor, confirming,
                                                                          one_seat_slot, tomorrow_10):
    confirming.confirm_reschedules = True
    confirming.save()
    booking = services.booking_confirm(booking_id=services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk).pk,
                                       actor=mentor)
    moved = services.booking_reschedule(booking_id=booking.pk, actor=mentor, start=tomorrow_10 + timedelta(hours=3))
    assert moved.status == S.SCHEDULED


def test_a_mentor_who_confirms_moves_can_say_so_in_their_settings(api, mentor, confirming):
    response = api(mentor).patch("/api/v1/mentors/me", {"confirm_reschedules": True})
    assert response.status_code == 200 and response.json()["confirm_reschedules"] is True
    confirming.refresh_from_db()
    assert confirming.confirm_reschedules is True
