"""A mentee cannot dodge the late-cancellation terms by moving a paid session to a later date first."""

from datetime import timedelta

import pytest
from freezegun import freeze_time

from bookings import services
from bookings.models import Booking
from bookings.tests.test_admin import paid_booking
from mentorhub.errors import InvalidInput
from payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(mentee, profile, service, tomorrow_10):
    """Paid (3000), three days out; the mentor refunds in full until 24 hours before, nothing after."""
    profile.full_refund_hours, profile.late_refund_percent = 24, 0
    profile.save(update_fields=["full_refund_hours", "late_refund_percent"])
    return paid_booking(mentee, profile, service, tomorrow_10 + timedelta(days=2))


def late(booking) -> object:
    return booking.slot.start - timedelta(hours=12)  # inside the last 24 hours: no refund if cancelled


def test_a_mentee_cannot_move_a_paid_session_once_full_refunds_have_ended(paid, mentee):
    start = paid.slot.start
    with pytest.raises(InvalidInput, match="too late to move this session: full refunds end 24 hours before"):
        services.booking_reschedule(booking_id=paid.pk, actor=mentee, start=start + timedelta(days=3), now=late(paid))
    paid.refresh_from_db()
    assert (paid.slot.start, paid.status) == (start, "scheduled")
    # Cancelling is still open to them, on the terms they agreed to: nothing back.
    services.booking_cancel(booking_id=paid.pk, actor=mentee, now=late(paid))
    assert Payment.objects.get(booking=paid).refunded_amount == 0


def test_the_api_refuses_the_late_move_with_a_400_naming_the_status(api, paid, mentee):
    with freeze_time(late(paid)):
        response = api(mentee).put(f"/api/v1/sessions/{paid.pk}",
                                   {"scheduled_at": (paid.slot.start + timedelta(days=3)).isoformat()}, format="json")
    assert response.status_code == 400
    assert "too late to move" in response.json()["detail"]
    assert [error["field"] for error in response.json()["errors"]] == ["status"]
    assert Booking.objects.get(pk=paid.pk).slot_id == paid.slot_id


def test_a_mentee_may_move_a_paid_session_while_full_refunds_still_apply(paid, mentee):
    moved = services.booking_reschedule(booking_id=paid.pk, actor=mentee, start=paid.slot.start + timedelta(days=3),
                                        now=paid.slot.start - timedelta(hours=30))
    assert moved.slot.start == paid.slot.start + timedelta(days=3)


def test_the_mentor_may_still_move_it_late_since_their_cancellation_refunds_in_full(paid, mentor):
    moved = services.booking_reschedule(booking_id=paid.pk, actor=mentor, start=paid.slot.start + timedelta(days=3),
                                        now=late(paid))
    assert moved.slot.start == paid.slot.start + timedelta(days=3)


def test_an_unpaid_session_or_one_refunded_in_full_even_late_may_still_move(paid, mentee, profile, service,
                                                                             tomorrow_10):
    unpaid = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=2, hours=2),
                                   service_id=service.pk)
    moved = services.booking_reschedule(booking_id=unpaid.pk, actor=mentee,
                                        start=unpaid.slot.start + timedelta(days=3), now=late(unpaid))
    assert moved.slot.start == unpaid.slot.start + timedelta(days=3)
    profile.late_refund_percent = 100
    profile.save(update_fields=["late_refund_percent"])
    moved = services.booking_reschedule(booking_id=paid.pk, actor=mentee, start=paid.slot.start + timedelta(days=3),
                                        now=late(paid))
    assert moved.slot.start == paid.slot.start + timedelta(days=3)


def test_the_booking_page_offers_no_move_once_full_refunds_have_ended_and_says_why(client, paid, mentee):
    client.force_login(mentee)
    early = client.get(f"/bookings/{paid.pk}/").content.decode()
    assert f"/bookings/{paid.pk}/reschedule/" in early and 'data-testid="no-late-move"' not in early
    with freeze_time(late(paid)):
        page = client.get(f"/bookings/{paid.pk}/").content.decode()
    assert f"/bookings/{paid.pk}/reschedule/" not in page and 'data-testid="no-late-move"' in page
