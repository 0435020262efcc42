"""Spec 000's session flow names the webhook event `payment.succeeded`; it is Stripe's
`payment_intent.succeeded` under another name, with every check that one gets."""

import pytest

from bookings.models import Booking
from payments import services
from payments.models import Payment, PaymentEvent
from payments.tests.conftest import intent_object, post_event, signed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(mentee, profile, service, tomorrow_10):
    from bookings import services as booking_services
    from mentors.tests.factories import SlotFactory

    slot = SlotFactory(mentor=profile, service=service, start=tomorrow_10)
    booking = booking_services.booking_hold(mentee=mentee, slot_id=slot.pk)
    return services.payment_start(booking_id=booking.pk, payer=mentee)


def test_a_signed_payment_succeeded_event_marks_the_booking_paid_once(client, payment):
    body, header = signed_event("payment.succeeded", intent_object(payment), event_id="evt_spec000")
    first = post_event(client, body, header)
    assert first.status_code == 200 and first.json()["outcome"] == "succeeded: booking paid"
    again = post_event(client, body, header)
    assert again.status_code == 200 and again.json()["outcome"].startswith("duplicate")
    assert Booking.objects.get(pk=payment.booking_id).payment_status == "paid"
    assert PaymentEvent.objects.get().type == "payment.succeeded"  # stored as it came


def test_a_payment_succeeded_event_without_a_valid_signature_changes_nothing(client, payment):
    body, _ = signed_event("payment.succeeded", intent_object(payment))
    _, wrong = signed_event("payment.succeeded", intent_object(payment), secret="whsec_someone_else")
    assert post_event(client, body, wrong).status_code == 400
    assert Payment.objects.get().status == "pending" and not PaymentEvent.objects.exists()


def test_a_payment_succeeded_event_for_another_amount_is_flagged_and_pays_nothing(client, payment):
    wrong_amount = {**intent_object(payment), "amount_received": 1}
    body, header = signed_event("payment.succeeded", wrong_amount)
    assert post_event(client, body, header).json()["outcome"].startswith("flagged")
    assert Booking.objects.get(pk=payment.booking_id).payment_status == "pending"
