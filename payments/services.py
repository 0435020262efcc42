"""Payment use cases. Every provider event, from Stripe's webhook or the offline checkout,
goes through ``payment_event_record``: stored by event id (a replay changes nothing), applied
under the payment's row lock, and never moving a payment backwards.
"""

import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from mentorhub.errors import Conflict, InvalidInput, NotFound
from payments import policy
from payments.models import Payment, PaymentEvent
from payments.providers import from_minor, get_provider

P = Payment.Status
# Where each event may take a payment from; anything else is out of order and ignored.
MOVES = {
    "payment_intent.succeeded": ({P.PENDING, P.FAILED}, P.SUCCEEDED),
    "payment_intent.payment_failed": ({P.PENDING, P.FAILED}, P.FAILED),
    "payment_intent.canceled": ({P.PENDING, P.FAILED}, P.CANCELLED),
}


def payment_deadline(booking: Booking) -> datetime:
    """An unpaid booking is cancelled when this passes."""
    return booking.slot.start - timedelta(minutes=settings.PAYMENT_DEADLINE_MINUTES)


@transaction.atomic
def payment_start(*, booking_id: int, payer: User, amount: Decimal | None = None,
                  now: datetime | None = None) -> Payment:
    """Start paying for one of my bookings; asking again returns the same live intent.

    The amount is always the server's price: a client amount that differs is refused.
    """
    now = now or timezone.now()
    booking = (Booking.objects.select_for_update(of=("self",)).select_related("slot__mentor__user")
               .filter(pk=booking_id, mentee=payer).first())
    if booking is None:
        raise NotFound("No such booking.")
    if amount is not None and Decimal(amount) != booking.price:
        raise InvalidInput(f"The amount must be {booking.price} {booking.currency}.", field="amount")
    if booking.payment_status == Booking.PaymentStatus.PAID:
        raise Conflict("This booking is already paid.")
    if booking.payment_status == Booking.PaymentStatus.NOT_REQUIRED or booking.price <= 0:
        raise Conflict("This booking is free: there is nothing to pay.")
    if not booking.is_live:
        raise Conflict(f"A {booking.get_status_display().lower()} booking cannot be paid.")
    if payment_deadline(booking) <= now:
        raise Conflict("The payment deadline for this session has passed.")
    live = Payment.objects.select_for_update().filter(booking=booking, status=P.PENDING).first()
    if live is not None and live.expires_at > now:
        return live
    if live is not None:
        live.status = P.CANCELLED
        live.save(update_fields=["status", "updated_at"])
    provider = get_provider()
    payment = Payment.objects.create(
        payer=payer, booking=booking, amount=booking.price, currency=booking.currency, provider=provider.name,
        description=f"Session with {booking.slot.mentor.user.display_name}",
        idempotency_key=f"booking-{booking.pk}-{uuid.uuid4().hex}", expires_at=payment_deadline(booking),
    )
    intent = provider.create_intent(payment)
    payment.provider_intent_id, payment.client_secret = intent.id, intent.client_secret
    payment.save(update_fields=["provider_intent_id", "client_secret", "updated_at"])
    return payment


@transaction.atomic
def payment_event_record(*, provider: str, event: dict, payload: str = "", now: datetime | None = None) -> str:
    """Apply one provider event exactly once. Returns what happened, for the log and the event row."""
    now = now or timezone.now()
    kind, data = event.get("type", ""), event.get("data", {}).get("object", {})
    intent_id = data.get("payment_intent") if kind.startswith("charge.") else data.get("id")
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(provider=provider, event_id=event["id"], type=kind,
                                                 payload=payload or json.dumps(event))
    except IntegrityError:
        return "duplicate: already handled"
    payment = Payment.objects.select_for_update().filter(provider_intent_id=intent_id).first()
    if payment is None:
        outcome = "ignored: no such payment"
    elif kind in MOVES:
        outcome = _move(payment, kind, now)
    elif kind == "charge.refunded":
        outcome = _refunded(payment, from_minor(int(data.get("amount_refunded", 0)), payment.currency))
    else:
        outcome = f"ignored: {kind} is not handled"
    record.payment, record.outcome = payment, outcome
    record.save(update_fields=["payment", "outcome"])
    return outcome


def _move(payment: Payment, kind: str, now: datetime) -> str:
    sources, target = MOVES[kind]
    if payment.status not in sources:
        return f"ignored: out of order ({payment.status} cannot become {target})"
    payment.status = target
    payment.save(update_fields=["status", "updated_at"])
    if target == P.SUCCEEDED and payment.booking_id:
        return _paid(payment, now)
    return target


def _paid(payment: Payment, now: datetime) -> str:
    """The money arrived: mark the booking paid, reinstate it, or give the money back. Never keep it silently."""
    from bookings import services as booking_services

    booking = booking_services.lock_booking(payment.booking_id)
    if booking.is_live:
        booking_services.booking_mark_paid(booking=booking)
        return "succeeded: booking paid"
    if booking.status in (Booking.Status.EXPIRED, Booking.Status.CANCELLED) and \
            booking_services.booking_reinstate(booking=booking, now=now):
        booking_services.booking_mark_paid(booking=booking)
        return "succeeded: booking reinstated and paid"
    payment_refund(payment=payment, amount=payment.amount - payment.refunded_amount,
                   reason="Paid after the booking ended and its seat was gone.")
    booking.payment_status = Booking.PaymentStatus.REFUNDED
    booking.save(update_fields=["payment_status", "updated_at"])
    return "succeeded: seat gone, refunded in full"


def _refunded(payment: Payment, total_refunded: Decimal) -> str:
    if payment.status not in (P.SUCCEEDED, P.PARTIALLY_REFUNDED, P.REFUNDED):
        return f"ignored: out of order ({payment.status} was never paid)"
    payment.refunded_amount = min(max(payment.refunded_amount, total_refunded), payment.amount)
    payment.status = P.REFUNDED if payment.refunded_amount >= payment.amount else P.PARTIALLY_REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    if payment.status == P.REFUNDED and payment.booking_id:
        Booking.objects.filter(pk=payment.booking_id).update(payment_status=Booking.PaymentStatus.REFUNDED)
    return f"{payment.status}: {payment.refunded_amount} {payment.currency}"


def payment_refund(*, payment: Payment, amount: Decimal, reason: str) -> Decimal:
    """Give money back through the provider and record it (call inside the caller's transaction)."""
    amount = min(amount, payment.amount - payment.refunded_amount)
    if amount <= 0:
        return Decimal("0")
    get_provider(payment.provider).refund(payment, amount,
                                          key=f"{payment.idempotency_key}-refund-{payment.refunded_amount + amount}")
    _refunded(payment, payment.refunded_amount + amount)
    return amount


def refund_for_cancellation(*, booking: Booking, actor: User, now: datetime) -> policy.RefundQuote:
    """The policy hook booking_cancel calls: refund what the policy grants, return the rule that applied."""
    quote = policy.refund_quote(booking=booking, actor=actor, now=now)
    remaining = quote.amount
    for payment in booking.payments.select_for_update().filter(status__in=[P.SUCCEEDED, P.PARTIALLY_REFUNDED]):
        remaining -= payment_refund(payment=payment, amount=remaining, reason=quote.rule)
    for payment in booking.payments.select_for_update().filter(status=P.PENDING):
        get_provider(payment.provider).cancel(payment)
        payment.status = P.CANCELLED
        payment.save(update_fields=["status", "updated_at"])
    if quote.amount > 0 and quote.percent == 100:
        booking.payment_status = Booking.PaymentStatus.REFUNDED
    return quote


@transaction.atomic
def offline_checkout_decide(*, payment_id: int, payer: User, succeed: bool) -> str:
    """The offline provider's test checkout: the payer's choice becomes a provider event, like a webhook."""
    payment = Payment.objects.filter(pk=payment_id, payer=payer, provider="offline").first()
    if payment is None:
        raise NotFound("No such payment.")
    kind = "payment_intent.succeeded" if succeed else "payment_intent.payment_failed"
    event = {"id": f"evt_offline_{uuid.uuid4().hex}", "type": kind,
             "data": {"object": {"id": payment.provider_intent_id, "object": "payment_intent"}}}
    return payment_event_record(provider="offline", event=event)
