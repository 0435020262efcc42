from datetime import timedelta

import pytest
from freezegun import freeze_time

from bookings import services as booking_services
from bookings.models import Booking
from reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(payment_status="paid")
    booking.refresh_from_db()
    return booking


def test_the_room_page_is_for_participants_only(client, other_user, paid):
    client.force_login(other_user)
    assert client.get(f"/sessions/{paid.pk}/room/").status_code == 404


def test_before_the_window_the_page_counts_down(client, mentee, paid):
    client.force_login(mentee)
    with freeze_time(paid.slot.start - timedelta(hours=3)):
        html = client.get(f"/sessions/{paid.pk}/room/").content.decode()
    assert 'data-testid="room-closed"' in html and "data-countdown" in html and 'data-testid="join"' not in html


def test_inside_the_window_the_join_button_is_live(client, mentee, paid):
    client.force_login(mentee)
    with freeze_time(paid.slot.start - timedelta(minutes=5)):
        html = client.get(f"/sessions/{paid.pk}/room/").content.decode()
    assert 'data-testid="join"' in html and "/static/js/room.js" in html


def test_the_mentor_saves_notes_and_completes_from_the_page(client, mentor, paid):
    client.force_login(mentor)
    client.post(f"/sessions/{paid.pk}/room/notes/", {"mentor_notes": "Practise recursion"})
    with freeze_time(paid.slot.start + timedelta(minutes=30)):
        client.post(f"/sessions/{paid.pk}/room/complete/")
    paid.refresh_from_db()
    assert (paid.mentor_notes, paid.status) == ("Practise recursion", "completed")


def test_the_mentee_reviews_a_completed_session_from_the_page(client, mentee, paid):
    Booking.objects.filter(pk=paid.pk).update(status="completed")
    client.force_login(mentee)
    assert 'data-testid="review-form"' in client.get(f"/sessions/{paid.pk}/room/").content.decode()
    client.post(f"/sessions/{paid.pk}/room/review/", {"rating": 4, "review": "Good"})
    assert Review.objects.get().rating == 4
    assert 'data-testid="reviewed"' in client.get(f"/sessions/{paid.pk}/room/").content.decode()
