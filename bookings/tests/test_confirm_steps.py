"""Cancelling and rescheduling from the pages take two steps: the first shows the refund or the new time
and changes nothing; only the confirmation does."""

from datetime import timedelta
from decimal import Decimal

import pytest

from bookings import services
from bookings.models import Booking

pytestmark = pytest.mark.django_db


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


@pytest.fixture
def booking(mentee, profile, service, tomorrow_10):
    return services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)


def test_the_booking_page_has_no_one_click_cancel(client, mentee, booking):
    client.force_login(mentee)
    html = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert f'href="/bookings/{booking.pk}/cancel/"' in html
    assert f'action="/bookings/{booking.pk}/cancel/"' not in html


def test_the_cancel_step_shows_the_refund_and_cancels_nothing(client, mentee, booking):
    client.force_login(mentee)
    response = client.get(f"/bookings/{booking.pk}/cancel/")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="refund-quote"' in html
    assert "Nothing was paid, so nothing is refunded." in html and "Yes, cancel the session" in html
    booking.refresh_from_db()
    assert booking.status == "scheduled"


def test_confirming_cancels_with_the_reason(client, mentee, booking):
    client.force_login(mentee)
    response = client.post(f"/bookings/{booking.pk}/cancel/", {"reason": "Sick", "expected_status": "scheduled",
                                                                "quoted_refund": "0"})
    assert response["Location"] == f"/bookings/{booking.pk}/"
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == ("cancelled", "Sick")


def test_a_refund_that_changed_since_the_page_was_shown_is_confirmed_again(client, mentee, booking):
    client.force_login(mentee)
    response = client.post(f"/bookings/{booking.pk}/cancel/", {"reason": "Sick", "quoted_refund": "1500"})
    assert response.status_code == 200 and "The refund changed" in response.content.decode()
    assert response.context["form"].initial["quoted_refund"] == Decimal("0")
    booking.refresh_from_db()
    assert booking.status == "scheduled"


def test_a_reason_too_long_is_shown_on_the_step_not_dropped(client, mentee, booking):
    client.force_login(mentee)
    response = client.post(f"/bookings/{booking.pk}/cancel/", {"reason": "x" * 2001, "quoted_refund": "0"})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    booking.refresh_from_db()
    assert booking.status == "scheduled"


def test_a_finished_booking_has_no_cancel_step(client, mentee, booking):
    Booking.objects.filter(pk=booking.pk).update(status="completed")
    client.force_login(mentee)
    assert client.get(f"/bookings/{booking.pk}/cancel/")["Location"] == f"/bookings/{booking.pk}/"


def test_others_cannot_see_the_cancel_step(client, other_user, booking):
    client.force_login(other_user)
    assert client.get(f"/bookings/{booking.pk}/cancel/").status_code == 404


def test_picking_a_time_shows_the_move_in_the_viewers_zone_and_moves_nothing(client, mentee, booking, tomorrow_10):
    mentee.timezone = "Asia/Tokyo"
    mentee.save()
    new_start = tomorrow_10 + timedelta(hours=4)  # 14:00 UTC is 23:00 in Tokyo
    client.force_login(mentee)
    response = client.get(f"/bookings/{booking.pk}/reschedule/", {"start": iso(new_start)})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="reschedule-confirm"' in html
    assert "23:00–00:00" in html and "Asia/Tokyo" in html
    booking.refresh_from_db()
    assert booking.slot.start == tomorrow_10


def test_the_picker_links_each_time_to_the_confirmation(client, mentee, booking):
    client.force_login(mentee)
    html = client.get(f"/bookings/{booking.pk}/reschedule/").content.decode()
    main = html.split("<main")[1].split("</main>")[0]
    assert 'data-testid="new-time"' in main and "start=" in main and "<form" not in main  # a link per time, no form


def test_a_time_that_is_not_free_goes_back_to_the_picker(client, mentee, booking, tomorrow_10):
    client.force_login(mentee)
    response = client.get(f"/bookings/{booking.pk}/reschedule/", {"start": iso(tomorrow_10 + timedelta(hours=12))})
    assert 'data-testid="reschedule-confirm"' not in response.content.decode()
    assert "That time is no longer free" in response.content.decode()


def test_confirming_the_move_moves_the_booking(client, mentee, booking, tomorrow_10):
    client.force_login(mentee)
    new_start = tomorrow_10 + timedelta(hours=4)
    client.post(f"/bookings/{booking.pk}/reschedule/", {"start": iso(new_start)})
    booking.refresh_from_db()
    assert booking.slot.start == new_start
