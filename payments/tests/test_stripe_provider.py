"""The Stripe provider through the real SDK, with its HTTP client stubbed: no network, every request checked."""

from datetime import timedelta
from decimal import Decimal

import pytest

from bookings import services as booking_services
from payments import services
from payments.models import Payment
from payments.providers import from_minor, to_minor
from payments.tests.conftest import intent_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(mentee, profile, service, tomorrow_10):
    return booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=2),
                                         service_id=service.pk)


def test_a_payment_creates_one_stripe_intent_with_an_idempotency_key(stripe_http, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    assert (payment.provider, payment.provider_intent_id, payment.client_secret) == (
        "stripe", "pi_test_1", "pi_test_1_secret_abc")
    [call] = stripe_http.calls
    assert call["method"] == "post" and call["url"].endswith("/v1/payment_intents")
    assert call["headers"]["Idempotency-Key"] == payment.idempotency_key
    assert call["body"]["amount"] == [str(to_minor(booking.price, "RUB"))] and call["body"]["currency"] == ["rub"]
    assert call["body"]["metadata[booking_id]"] == [str(booking.pk)]


def test_asking_again_reuses_the_intent_without_calling_stripe(stripe_http, mentee, booking):
    first = services.payment_start(booking_id=booking.pk, payer=mentee)
    again = services.payment_start(booking_id=booking.pk, payer=mentee)
    assert again.pk == first.pk and len(stripe_http.calls) == 1


def test_a_refund_goes_through_stripe_with_its_own_idempotency_key(stripe_http, mentee, mentor, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    services.payment_event_record(provider="stripe", event={
        "id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": intent_object(payment)}})
    booking_services.booking_cancel(booking_id=booking.pk, actor=mentor)
    refund = stripe_http.calls[-1]
    assert refund["url"].endswith("/v1/refunds") and refund["body"]["payment_intent"] == ["pi_test_1"]
    assert refund["headers"]["Idempotency-Key"].startswith(payment.idempotency_key)
    assert Payment.objects.get().status == "refunded"


def test_cancelling_an_unpaid_booking_cancels_its_stripe_intent(stripe_http, mentee, booking):
    services.payment_start(booking_id=booking.pk, payer=mentee)
    booking_services.booking_cancel(booking_id=booking.pk, actor=mentee)
    assert stripe_http.calls[-1]["url"].endswith("/v1/payment_intents/pi_test_1/cancel")
    assert Payment.objects.get().status == "cancelled"


@pytest.mark.parametrize("amount,currency,minor", [("3000", "RUB", 300000), ("12.34", "EUR", 1234),
                                                   ("3000", "JPY", 3000), ("1500", "KRW", 1500)])
def test_amounts_go_to_stripe_in_minor_units_and_zero_decimal_currencies_stay_whole(amount, currency, minor):
    assert to_minor(Decimal(amount), currency) == minor
    assert from_minor(minor, currency) == Decimal(amount)
