import json
import time
import uuid

import pytest
import stripe

from bookings.tests.conftest import one_seat_slot, profile, service, tomorrow_10  # noqa: F401

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


def signed_event(kind: str, obj: dict, *, event_id: str | None = None, secret: str = WEBHOOK_SECRET,
                 timestamp: int | None = None) -> tuple[str, str]:
    """A Stripe event body and its Stripe-Signature header, made with the SDK's own signing code."""
    body = json.dumps({"id": event_id or f"evt_{uuid.uuid4().hex}", "object": "event", "type": kind,
                       "data": {"object": obj}})
    stamp = timestamp or int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{stamp}.{body}", secret)
    return body, f"t={stamp},v1={signature}"


def post_event(client, body: str, header: str | None):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
    return client.post("/api/v1/payments/webhook", data=body, content_type="application/json", **extra)
