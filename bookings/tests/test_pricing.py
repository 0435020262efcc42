"""A seat costs what its slot costs; a move keeps what was bought; no booking is made that cannot be paid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from mentorhub.errors import InvalidInput
from mentors.tests.factories import ServiceFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hourly_3000(profile):
    profile.price_per_hour = Decimal("3000")
    profile.save()
    return profile


@pytest.fixture
def free_intro(hourly_3000):
    return ServiceFactory(mentor=hourly_3000, name="Free intro", duration_minutes=15, price=0)


def hold(api, user, **body):
    return api(user).post("/api/v1/booking/hold", body)


def error_fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


# --- 1. a seat costs what its slot costs ----------------------------------------------------------


def test_a_priced_slot_held_with_the_mentors_free_short_service_is_a_400_naming_service_id(
        api, mentee, hourly_3000, free_intro, one_seat_slot):
    response = hold(api, mentee, slot_id=one_seat_slot.pk, service_id=free_intro.pk)
    assert response.status_code == 400 and error_fields(response) == ["service_id"]
    assert "does not fit" in response.json()["detail"]
    one_seat_slot.refresh_from_db()
    assert one_seat_slot.seats_taken == 0 and not Booking.objects.exists()


def test_a_service_less_slot_costs_its_length_at_the_hourly_rate(api, mentee, hourly_3000, one_seat_slot):
    body = hold(api, mentee, slot_id=one_seat_slot.pk).json()
    assert (Decimal(str(body["price"])), body["payment_status"]) == (Decimal("3000"), "pending")


def test_a_service_of_the_slots_very_length_names_the_session_but_the_slot_sets_the_price(
        api, mentee, hourly_3000, one_seat_slot):
    cheap_hour = ServiceFactory(mentor=hourly_3000, name="Cheap hour", duration_minutes=60, price=10)
    body = hold(api, mentee, slot_id=one_seat_slot.pk, service_id=cheap_hour.pk).json()
    assert (body["service_id"], Decimal(str(body["price"]))) == (cheap_hour.pk, Decimal("3000"))


def test_a_group_service_does_not_fit_a_one_seat_slot(api, mentee, hourly_3000, one_seat_slot):
    workshop = ServiceFactory(mentor=hourly_3000, duration_minutes=60, capacity=5, price=100)
    response = hold(api, mentee, slot_id=one_seat_slot.pk, service_id=workshop.pk)
    assert response.status_code == 400 and error_fields(response) == ["service_id"]


def test_a_group_workshop_seat_costs_the_workshops_price_and_takes_no_other_service(
        api, mentee, hourly_3000, free_intro, tomorrow_10):
    workshop = ServiceFactory(mentor=hourly_3000, name="Workshop", duration_minutes=90, capacity=8, price=700)
    other = ServiceFactory(mentor=hourly_3000, name="Other", duration_minutes=90, capacity=8, price=1)
    slot = SlotFactory(mentor=hourly_3000, service=workshop, start=tomorrow_10, end=tomorrow_10 + timedelta(minutes=90),
                       capacity=8)
    for wrong in (free_intro, other):
        response = hold(api, mentee, slot_id=slot.pk, service_id=wrong.pk)
        assert response.status_code == 400 and error_fields(response) == ["service_id"]
    body = hold(api, mentee, slot_id=slot.pk, service_id=workshop.pk).json()
    assert (body["service_id"], Decimal(str(body["price"]))) == (workshop.pk, Decimal("700"))


def test_the_book_page_shows_and_charges_the_slots_price_and_refuses_a_misfit_service(
        client, mentee, hourly_3000, free_intro, one_seat_slot):
    client.force_login(mentee)
    page = client.get(f"/mentors/{hourly_3000.pk}/book/", {"slot": one_seat_slot.pk}).content.decode()
    assert "RUB\xa03,000.00" in page
    misfit = client.get(f"/mentors/{hourly_3000.pk}/book/", {"slot": one_seat_slot.pk, "service": free_intro.pk})
    assert "does not fit" in misfit.content.decode() and 'data-testid="booking-summary"' not in misfit.content.decode()
    client.post(f"/mentors/{hourly_3000.pk}/book/", {"slot": one_seat_slot.pk, "service": free_intro.pk})
    assert not Booking.objects.exists()
    client.post(f"/mentors/{hourly_3000.pk}/book/", {"slot": one_seat_slot.pk})
    assert Booking.objects.get().price == Decimal("3000")


def test_the_quote_and_the_hold_agree_on_every_kind_of_seat(mentee, hourly_3000, one_seat_slot, group_slot):
    for slot in (one_seat_slot, group_slot):
        quote = services.booking_quote(mentor=hourly_3000, slot_id=slot.pk)
        booking = services.booking_hold(mentee=mentee, slot_id=slot.pk)
        assert quote.price == booking.price == services.slot_price(slot)


# --- 2. a reschedule keeps what was bought -------------------------------------------------------


def test_a_reschedule_keeps_service_length_and_price_even_after_the_mentor_changed_prices(
        mentee, hourly_3000, service, tomorrow_10):
    booking = services.booking_hold(mentee=mentee, mentor_id=hourly_3000.pk, start=tomorrow_10, service_id=service.pk)
    service.price = Decimal("9999")
    service.save()
    moved = services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    assert (moved.service_id, moved.slot.duration_minutes, moved.price) == (service.pk, 60, booking.price)


# --- 5. no booking that cannot be paid ------------------------------------------------------------


def test_a_priced_booking_made_late_gets_a_short_deadline_of_its_own_and_can_be_paid(
        api, mentee, hourly_3000, service, tomorrow_10, settings):
    now = tomorrow_10 - timedelta(minutes=30)  # inside PAYMENT_DEADLINE_MINUTES (60) of the start
    booking = services.booking_hold(mentee=mentee, mentor_id=hourly_3000.pk, start=tomorrow_10,
                                    service_id=service.pk, now=now)
    assert booking.payment_due_at == now + timedelta(minutes=settings.PAYMENT_QUICK_MINUTES)
    assert now < booking.payment_due_at <= booking.slot.start

    from payments.services import payment_start

    payment = payment_start(booking_id=booking.pk, payer=mentee, now=now + timedelta(minutes=5))
    assert payment.expires_at == booking.payment_due_at


def test_a_booking_made_early_is_due_the_usual_lead_time_before_the_start(mentee, hourly_3000, service,
                                                                           tomorrow_10):
    booking = services.booking_hold(mentee=mentee, mentor_id=hourly_3000.pk, start=tomorrow_10, service_id=service.pk)
    assert booking.payment_due_at == tomorrow_10 - timedelta(minutes=60)


def test_a_priced_booking_too_close_to_the_start_to_pay_is_refused_at_hold_time(api, mentee, hourly_3000,
                                                                                  one_seat_slot):
    soon = one_seat_slot.start - timedelta(minutes=10)
    with pytest.raises(InvalidInput, match="too soon to pay") as refused:
        services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk, now=soon)
    assert refused.value.field == "slot_id"
    one_seat_slot.refresh_from_db()
    assert one_seat_slot.seats_taken == 0


def test_a_free_booking_close_to_the_start_needs_no_deadline(mentee, hourly_3000, free_intro, tomorrow_10):
    booking = services.booking_hold(mentee=mentee, mentor_id=hourly_3000.pk, start=tomorrow_10,
                                    service_id=free_intro.pk, now=tomorrow_10 - timedelta(minutes=5))
    assert (booking.payment_status, booking.payment_due_at) == ("not_required", None)


def test_an_unpaid_booking_past_its_deadline_gives_its_seat_to_the_next_mentee_without_the_sweep(
        mentee, other_user, hourly_3000, one_seat_slot):
    first = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    later = first.payment_due_at + timedelta(minutes=1)
    second = services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk, now=later)
    assert second.status == "scheduled"
    first.refresh_from_db()
    assert first.status == "cancelled" and first.cancellation_reason == "Not paid by the payment deadline."


def test_the_booking_page_shows_the_payment_deadline_with_a_countdown(client, mentee, hourly_3000, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    client.force_login(mentee)
    html = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert 'data-testid="payment-countdown"' in html
    assert f'data-countdown="{timezone.localtime(booking.payment_due_at).isoformat()}"' in html


def test_the_api_says_by_when_a_priced_booking_must_be_paid(api, mentee, hourly_3000, one_seat_slot):
    body = hold(api, mentee, slot_id=one_seat_slot.pk).json()
    booking = Booking.objects.get()
    assert body["payment_due_at"] and booking.payment_due_at == one_seat_slot.start - timedelta(minutes=60)
    assert api(mentee).get(f"/api/v1/booking/{booking.pk}").json()["payment_due_at"] == body["payment_due_at"]


def test_a_long_slot_at_a_high_hourly_rate_that_would_cost_more_than_one_payment_takes_is_refused(
        api, mentee, profile, tomorrow_10):
    profile.price_per_hour = Decimal("999999")
    profile.save()
    long_slot = SlotFactory(mentor=profile, start=tomorrow_10, end=tomorrow_10 + timedelta(hours=2))
    response = hold(api, mentee, slot_id=long_slot.pk)
    assert response.status_code == 400 and error_fields(response) == ["slot_id"]
    assert "more than one booking may cost" in response.json()["detail"]
    assert not Booking.objects.exists()


def test_the_api_says_why_an_unpaid_booking_was_cancelled_in_the_readers_language(
        api, mentee, other_user, hourly_3000, one_seat_slot):
    first = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk, now=first.payment_due_at + timedelta(minutes=1))
    client = api(mentee)
    english = client.get(f"/api/v1/booking/{first.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    russian = client.get(f"/api/v1/booking/{first.pk}", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert english["cancellation_reason"] == "Not paid by the payment deadline."
    assert russian["cancellation_reason"] == "Не оплачено до крайнего срока."
