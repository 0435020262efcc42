import json
import time
import uuid
from urllib.parse import parse_qs

import pytest
import stripe

from bookings.tests.conftest import one_seat_slot, profile, service, tomorrow_10  # noqa: F401
from payments import providers

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


def intent_object(payment, **overrides) -> dict:
    """The PaymentIntent Stripe sends with payment_intent.* events: the payment's amount, fully received."""
    from payments.providers import to_minor

    minor = to_minor(payment.amount, payment.currency)
    return {"id": payment.provider_intent_id, "object": "payment_intent", "amount": minor, "amount_received": minor,
            "currency": payment.currency.lower(), **overrides}


def charge_refunded_object(payment, refunded: int | None = None) -> dict:
    """The Charge Stripe sends with charge.refunded: ``refunded`` minor units back so far (default: all)."""
    from payments.providers import to_minor

    minor = to_minor(payment.amount, payment.currency)
    return {"id": f"ch_{payment.pk}", "object": "charge", "payment_intent": payment.provider_intent_id,
            "amount": minor, "amount_refunded": minor if refunded is None else refunded,
            "currency": payment.currency.lower()}


class RecordingHTTPClient(stripe.HTTPClient):
    """Answers like Stripe's API and remembers what was asked."""

    name = "recording"

    def __init__(self):
        super().__init__()
        self.calls = []
        self.intents = 0

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.calls.append({"method": method, "url": url, "headers": dict(headers or {}),
                           "body": parse_qs(post_data or "")})
        if "/v1/refunds" in url:
            body = {"id": "re_test_1", "object": "refund", "status": "succeeded"}
        elif url.endswith("/cancel"):
            body = {"id": "pi_test_1", "object": "payment_intent", "status": "canceled"}
        else:
            self.intents += 1
            intent = f"pi_test_{self.intents}"
            body = {"id": intent, "object": "payment_intent", "client_secret": f"{intent}_secret_abc",
                    "status": "requires_payment_method"}
        return json.dumps(body), 200, {"request-id": "req_test"}

    def close(self):
        return None


@pytest.fixture
def stripe_http(settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = "sk_test_not_a_real_key"
    client = RecordingHTTPClient()
    monkeypatch.setattr(providers, "http_client", lambda: client)
    return client
