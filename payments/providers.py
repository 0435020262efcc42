"""Payment providers behind one small interface: create an intent, cancel it, refund it.

Stripe (the official SDK) when STRIPE_SECRET_KEY is set; otherwise the offline
provider, which behaves like Stripe's test mode without a network: its intents
get ids and a checkout page in the app where the payer picks "succeed" or
"fail", delivered as an event through the same handler as the webhook.
"""

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)

# Currencies Stripe takes in whole units (no cents): https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf",
                "xof", "xpf"}


def to_minor(amount: Decimal, currency: str) -> int:
    if currency.lower() in ZERO_DECIMAL:
        return int(amount.quantize(Decimal("1")))
    return int((amount * 100).quantize(Decimal("1")))


def from_minor(value: int, currency: str) -> Decimal:
    return Decimal(value) if currency.lower() in ZERO_DECIMAL else (Decimal(value) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Intent:
    id: str
    client_secret: str


class OfflineProvider:
    name = "offline"

    def create_intent(self, payment) -> Intent:
        intent_id = f"pi_offline_{secrets.token_hex(12)}"
        return Intent(intent_id, f"{intent_id}_secret_{secrets.token_hex(8)}")

    def cancel(self, payment) -> None:
        return None

    def refund(self, payment, amount: Decimal, key: str) -> str:
        return f"re_offline_{secrets.token_hex(12)}"


def http_client() -> stripe.HTTPClient | None:
    """The SDK's HTTP client; tests replace this function to keep every call off the network."""
    return None


class StripeProvider:
    name = "stripe"

    def _client(self) -> stripe.StripeClient:
        return stripe.StripeClient(settings.STRIPE_SECRET_KEY, http_client=http_client(), max_network_retries=2)

    def create_intent(self, payment) -> Intent:
        intent = self._client().v1.payment_intents.create(
            params={
                "amount": to_minor(payment.amount, payment.currency),
                "currency": payment.currency.lower(),
                "description": payment.description,
                "automatic_payment_methods": {"enabled": True},
                "metadata": {"payment_id": str(payment.pk), "booking_id": str(payment.booking_id or ""),
                             "enrollment_id": str(payment.enrollment_id or "")},
            },
            options={"idempotency_key": payment.idempotency_key},  # a double submit creates one intent
        )
        return Intent(intent.id, intent.client_secret)

    def cancel(self, payment) -> None:
        try:
            self._client().v1.payment_intents.cancel(payment.provider_intent_id,
                                                     options={"idempotency_key": f"{payment.idempotency_key}-cancel"})
        except stripe.InvalidRequestError as exc:
            # Already succeeded, processing or cancelled: Stripe's own state wins. A success still arrives as
            # payment_intent.succeeded and is refunded there if the booking does not keep it.
            logger.warning("Could not cancel %s: %s", payment.provider_intent_id, exc.user_message or exc)

    def refund(self, payment, amount: Decimal, key: str) -> str:
        refund = self._client().v1.refunds.create(
            params={"payment_intent": payment.provider_intent_id, "amount": to_minor(amount, payment.currency)},
            options={"idempotency_key": key},
        )
        return refund.id


def get_provider(name: str | None = None):
    name = name or ("stripe" if settings.STRIPE_SECRET_KEY else "offline")
    return StripeProvider() if name == "stripe" else OfflineProvider()
