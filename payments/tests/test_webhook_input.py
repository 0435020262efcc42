"""The webhook answers a correctly signed but malformed event with a 400 and records nothing."""

import json
import time
from datetime import timedelta

import pytest
import stripe

from bookings import services as booking_services
from mentorhub.tests.test_error_shape import assert_error_shape
from payments import services
from payments.models import Payment, PaymentEvent
from payments.tests.conftest import WEBHOOK_SECRET, post_event

pytestmark = pytest.mark.django_db


def signed(body: str) -> tuple[str, str]:
    """Any body, signed the way Stripe signs (the SDK's own code), so only its shape is wrong."""
    stamp = int(time.time())
    return body, f"t={stamp},v1={stripe.WebhookSignature._compute_signature(f'{stamp}.{body}', WEBHOOK_SECRET)}"


def event(**changes) -> str:
    base = {"id": "evt_shape", "object": "event", "type": "payment_intent.succeeded",
            "data": {"object": {"id": "pi_offline_x", "object": "payment_intent", "amount": 300000,
                                "amount_received": 300000, "currency": "rub"}}}
    for path, value in changes.items():
        target = base
        *parents, last = path.split("__")
        for name in parents:
            target = target[name]
        if value is DROP:
            del target[last]
        else:
            target[last] = value
    return json.dumps(base)


DROP = object()

MALFORMED = {
    "not json": "{not json",
    "a list": "[1, 2]",
    "a string": '"evt"',
    "nested past the recursion limit": "[" * 100_000 + "]" * 100_000,
    "nested deeper than the api accepts": event(data__object__metadata=json.loads('{"a": ' * 40 + "1" + "}" * 40)),
    "id missing": event(id=DROP),
    "id a number": event(id=12345),
    "id a list": event(id=["evt_1"]),
    "id too long": event(id="evt_" + "x" * 200),
    "type a number": event(type=7),
    "data missing": event(data=DROP),
    "data a list": event(data=[{"object": {}}]),
    "data a string": event(data="payment"),
    "data.object missing": event(data__object=DROP),
    "data.object a list": event(data__object=[{"id": "pi_offline_x"}]),
    "data.object null": event(data__object=None),
    "data.object.id an object": event(data__object__id={"id": "pi_offline_x"}),
    "payment_intent a number": event(type="charge.refunded", data__object__payment_intent=5),
    "amount a string": event(data__object__amount="300000"),
    "amount_received a float": event(data__object__amount_received=3000.5),
    "amount_refunded a boolean": event(type="charge.refunded", data__object__amount_refunded=True),
    "amount negative": event(data__object__amount_received=-1),
    "currency a number": event(data__object__currency=643),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_but_malformed_event_is_a_400_and_records_nothing(client, body):
    response = post_event(client, *signed(body))
    assert_error_shape(response, 400)
    assert not PaymentEvent.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"data": DROP}, "data"), ({"data__object": []}, "data.object"), ({"id": 1}, "id"),
    ({"data__object__amount_received": "1"}, "data.object.amount_received"),
])
def test_the_400_names_the_part_of_the_event_at_fault(client, change, field):
    response = post_event(client, *signed(event(**change)))
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_well_formed_event_still_pays_the_booking(client, mentee, profile, service, tomorrow_10):
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=2),
                                            service_id=service.pk)
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    minor = int(payment.amount * 100)
    body = event(data__object__id=payment.provider_intent_id, data__object__amount=minor,
                 data__object__amount_received=minor,
                 data__object__currency=payment.currency.lower(), data__object__metadata={"booking": str(booking.pk)})
    response = post_event(client, *signed(body))
    assert response.status_code == 200, response.json()
    assert Payment.objects.get().status == "succeeded"
