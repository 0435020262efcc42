from datetime import timedelta
from urllib.parse import quote

import pytest

from bookings import services
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentors.models import Slot
from mentors.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def test_booking_a_free_time_from_the_review_page(client, mentee, profile, service, tomorrow_10):
    client.force_login(mentee)
    start = quote(tomorrow_10.strftime("%Y-%m-%dT%H:%M:%S%z"))
    url = f"/mentors/{profile.pk}/book/?start={start}&service={service.pk}"
    review = client.get(url)
    assert review.status_code == 200 and service.name in review.content.decode()
    response = client.post(url, {"start": tomorrow_10.strftime("%Y-%m-%dT%H:%M:%S%z"), "service": service.pk,
                                 "topic": "Interview prep", "agenda": "Trees and graphs"})
    booking = Booking.objects.get()
    assert response["Location"] == f"/bookings/{booking.pk}/"
    assert (booking.slot.start, booking.topic, booking.agenda) == (tomorrow_10, "Interview prep", "Trees and graphs")


def test_a_topic_too_long_shows_the_chosen_time_again_with_the_error_and_what_was_typed(client, mentee, profile,
                                                                                        service, tomorrow_10):
    client.force_login(mentee)
    start = tomorrow_10.strftime("%Y-%m-%dT%H:%M:%S%z")
    page = client.post(f"/mentors/{profile.pk}/book/?start={quote(start)}&service={service.pk}",
                       {"start": start, "service": service.pk, "topic": "t" * 201, "agenda": "Trees and graphs"})
    html = page.content.decode()
    assert page.status_code == 200 and not Booking.objects.exists()
    assert 'data-testid="booking-summary"' in html and service.name in html
    assert "Ensure this value has at most 200 characters" in html and "Trees and graphs" in html
    assert "Pick a time first" not in html


def test_booking_an_open_slot_from_the_review_page(client, mentee, profile, group_slot):
    client.force_login(mentee)
    client.post(f"/mentors/{profile.pk}/book/?slot={group_slot.pk}", {"slot": group_slot.pk, "topic": "Group"})
    assert Booking.objects.get().slot == group_slot


def test_a_refused_booking_is_explained_and_nothing_is_kept(client, mentee, other_user, profile, one_seat_slot):
    services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk)
    client.force_login(mentee)
    response = client.post(f"/mentors/{profile.pk}/book/", {"slot": one_seat_slot.pk}, follow=True)
    assert "no seats are left" in response.content.decode()
    assert Booking.objects.count() == 1


def test_the_profile_links_each_bookable_time_to_the_review_page(client, profile, service):
    html = client.get(f"/mentors/{profile.pk}/").content.decode()
    assert f"/mentors/{profile.pk}/book/?start=" in html


def test_my_sessions_has_upcoming_and_past_tabs(client, mentee, profile):
    soon = SlotFactory(mentor=profile, seats_taken=1)
    BookingFactory(mentee=mentee, slot=soon, topic="Upcoming one")
    old = Slot.objects.create(mentor=profile, start=soon.start - timedelta(days=10),
                              end=soon.start - timedelta(days=10) + timedelta(hours=1), seats_taken=1)
    BookingFactory(mentee=mentee, slot=old, topic="Old one", status="completed")
    client.force_login(mentee)
    upcoming = client.get("/sessions/").content.decode()
    past = client.get("/sessions/?tab=past").content.decode()
    assert "Upcoming one" in upcoming and "Old one" not in upcoming
    assert "Old one" in past and "Upcoming one" not in past


def test_a_session_going_on_now_is_under_upcoming_where_it_can_be_joined(client, mentee, profile):
    from django.utils import timezone

    started = timezone.now() - timedelta(minutes=10)
    now_on = Slot.objects.create(mentor=profile, start=started, end=started + timedelta(hours=1), seats_taken=1)
    BookingFactory(mentee=mentee, slot=now_on, topic="Going on now", payment_status="paid")
    client.force_login(mentee)
    assert "Going on now" in client.get("/sessions/").content.decode()
    assert "Going on now" not in client.get("/sessions/?tab=past").content.decode()


def test_a_booking_page_shows_its_history_and_is_private(client, mentee, other_user, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    client.force_login(other_user)
    assert client.get(f"/bookings/{booking.pk}/").status_code == 404
    client.force_login(mentee)
    html = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert 'data-testid="history"' in html and "Booked." in html


def test_the_mentees_own_notes_are_on_their_booking_page_and_not_on_the_mentors(client, mentee, mentor,
                                                                                 one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(mentee_notes="Nervous about system design")
    client.force_login(mentee)
    assert "Nervous about system design" in client.get(f"/bookings/{booking.pk}/").content.decode()
    client.force_login(mentor)
    page = client.get(f"/bookings/{booking.pk}/")
    assert page.status_code == 200 and "Nervous" not in page.content.decode()
    assert "Nervous" not in client.get("/mentor/requests/").content.decode()


def test_the_request_inbox_is_a_404_for_users_without_a_mentor_profile(client, mentee):
    client.force_login(mentee)
    assert client.get("/mentor/requests/").status_code == 404


def test_cancelling_from_the_booking_page_records_the_reason(client, mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    client.force_login(mentee)
    client.post(f"/bookings/{booking.pk}/cancel/", {"reason": "Sick"})
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == ("cancelled", "Sick")


@pytest.mark.parametrize("status, offered", [("scheduled", True), ("completed", True), ("cancelled", False),
                                             ("declined", False), ("expired", False)])
def test_the_booking_page_offers_the_session_room_only_for_a_session_that_takes_place(client, mentee, status,
                                                                                       offered):
    booking = BookingFactory(mentee=mentee, status=status)
    client.force_login(mentee)
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert ('data-testid="open-room"' in page) is offered


def test_the_mentor_confirms_and_declines_from_the_inbox(client, mentee, other_user, mentor, profile, tomorrow_10):
    profile.requires_confirmation = True
    profile.save()
    first = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10)
    second = services.booking_hold(mentee=other_user, mentor_id=profile.pk, start=tomorrow_10 + timedelta(hours=2))
    client.force_login(mentor)
    inbox = client.get("/mentor/requests/").content.decode()
    assert inbox.count('data-testid="request-row"') == 2 and "data-countdown" in inbox
    assert client.post(f"/bookings/{first.pk}/confirm/", {"next": "inbox"})["Location"] == "/mentor/requests/"
    client.post(f"/bookings/{second.pk}/decline/", {"reason": "Busy"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("scheduled", "declined")


def test_the_next_parameter_never_redirects_off_site(client, mentee, mentor, profile, tomorrow_10):
    profile.requires_confirmation = True
    profile.save()
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10)
    client.force_login(mentor)
    response = client.post(f"/bookings/{booking.pk}/confirm/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/bookings/{booking.pk}/"


def test_rescheduling_from_the_page_moves_the_booking(client, mentee, profile, service, tomorrow_10):
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    client.force_login(mentee)
    picker = client.get(f"/bookings/{booking.pk}/reschedule/")
    assert picker.status_code == 200 and 'data-testid="new-time"' in picker.content.decode()
    new_start = tomorrow_10 + timedelta(hours=4)
    client.post(f"/bookings/{booking.pk}/reschedule/", {"start": new_start.strftime("%Y-%m-%dT%H:%M:%S%z")})
    booking.refresh_from_db()
    assert booking.slot.start == new_start and booking.ical_sequence == 1


def test_the_review_page_shows_the_price_the_booking_will_be_charged(client, mentee, profile, tomorrow_10):
    from mentors.tests.factories import ServiceFactory

    workshop = ServiceFactory(mentor=profile, name="Workshop", duration_minutes=60, price=500, capacity=4)
    slot = SlotFactory(mentor=profile, service=workshop, capacity=4, start=tomorrow_10 + timedelta(hours=5),
                       end=tomorrow_10 + timedelta(hours=6))
    client.force_login(mentee)
    html = client.get(f"/mentors/{profile.pk}/book/?slot={slot.pk}").content.decode()
    assert "RUB\xa0500.00" in html and "3,000" not in html
    client.post(f"/mentors/{profile.pk}/book/?slot={slot.pk}", {"slot": slot.pk})
    assert Booking.objects.get().price == 500
