"""Payment use cases. Every provider event, from Stripe's webhook or the offline checkout,
goes through ``payment_event_record``: stored by event id (a replay changes nothing), applied
under the payment's row lock, and never moving a payment backwards.
"""

import json
import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.mail import mail_admins
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings import reasons
from bookings import services as booking_services
from bookings.models import Booking
from courses import services as course_services
from courses.models import Enrollment
from mentorhub.errors import Conflict, DomainError, InvalidInput, NotFound
from mentorhub.i18n import speaking_to
from mentorhub.money import format_money
from payments import policy
from payments.models import Payment, PaymentEvent
from payments.providers import from_minor, get_provider, to_minor

logger = logging.getLogger(__name__)

P = Payment.Status
OPEN = (P.PENDING, P.FAILED)  # an intent the payer can still complete
KEPT = (P.SUCCEEDED, P.PARTIALLY_REFUNDED)  # money we hold
# Where each event may take a payment from; anything else is out of order and ignored. A success counts
# from anywhere money had not yet arrived, a voided intent included: the provider took the money, and
# _paid decides whether the booking keeps it or it goes straight back.
MOVES = {
    "payment_intent.succeeded": ({P.PENDING, P.FAILED, P.CANCELLED}, P.SUCCEEDED),
    "payment_intent.payment_failed": ({P.PENDING, P.FAILED}, P.FAILED),
    "payment_intent.canceled": ({P.PENDING, P.FAILED}, P.CANCELLED),
}
# Event names other documents use for the same event: spec 000's session flow says `payment.succeeded`.
# Such an event goes through everything a provider's own name does: the signature, the amount, the event id.
EVENT_ALIASES = {"payment.succeeded": "payment_intent.succeeded"}
# How long a course checkout stays open; asking again after that makes a fresh one (courses have no seats).
ENROLLMENT_PAYMENT_WINDOW = timedelta(hours=24)


def payment_refusal(booking: Booking, *, now: datetime) -> str | None:
    """Why this booking cannot be paid now, in words; None when it can."""
    if booking.payment_status == Booking.PaymentStatus.PAID:
        return _("This booking is already paid.")
    if booking.payment_status == Booking.PaymentStatus.NOT_REQUIRED or booking.price <= 0:
        return _("This booking is free: there is nothing to pay.")
    if not booking.is_live:
        return _("A booking that is %(status)s cannot be paid.") % {"status": booking.get_status_display().lower()}
    if booking.payment_due_at is None or booking.payment_due_at <= now:
        return _("The payment deadline for this session has passed.")
    return None


@transaction.atomic
def payment_start(*, booking_id: int, payer: User, amount: Decimal | None = None,
                  now: datetime | None = None) -> Payment:
    """Start paying for one of my bookings; asking again returns the same open intent.

    A booking has at most one open intent: a new one is made only when the open one no longer fits
    (past its expiry), and making it voids every older one with the provider first, so an old checkout
    page can never be paid on top. The amount is always the server's price: a client amount that
    differs is refused.
    """
    now = now or timezone.now()
    booking = (Booking.objects.select_for_update(of=("self",)).select_related("slot__mentor__user")
               .filter(pk=booking_id, mentee=payer).first())
    if booking is None:
        raise NotFound(_("No such booking."))
    if amount is not None and Decimal(amount) != booking.price:
        raise InvalidInput(_("The amount must be %(amount)s.") % {"amount": f"{booking.price} {booking.currency}"},
                           field="amount")
    if refusal := payment_refusal(booking, now=now):
        raise Conflict(refusal)
    due = booking.payment_due_at
    open_payments = list(Payment.objects.select_for_update().filter(booking=booking, status__in=OPEN)
                         .order_by("-created_at", "-id"))
    if open_payments and open_payments[0].expires_at == due and open_payments[0].amount == booking.price:
        return open_payments[0]
    for stale in open_payments:
        _void(stale)
    provider = get_provider()
    payment = Payment.objects.create(
        payer=payer, booking=booking, amount=booking.price, currency=booking.currency, provider=provider.name,
        description=_("Session with %(name)s") % {"name": booking.slot.mentor.user.display_name},
        idempotency_key=f"booking-{booking.pk}-{uuid.uuid4().hex}", expires_at=due,
    )
    intent = provider.create_intent(payment)
    payment.provider_intent_id, payment.client_secret = intent.id, intent.client_secret
    payment.save(update_fields=["provider_intent_id", "client_secret", "updated_at"])
    return payment


def _void(payment: Payment) -> None:
    """Cancel an open intent with its provider and here, so its checkout can no longer take money."""
    get_provider(payment.provider).cancel(payment)
    payment.status = P.CANCELLED
    payment.save(update_fields=["status", "updated_at"])


@transaction.atomic
def payment_event_record(*, provider: str, event: dict, payload: str = "", now: datetime | None = None) -> str:
    """Apply one provider event exactly once. Returns what happened, for the log and the event row.

    Locks the booking (or enrollment) before the payment, in the same order as every other payments use case.
    """
    now = now or timezone.now()
    kind, data = event.get("type", ""), event.get("data", {}).get("object", {})
    received, kind = kind, EVENT_ALIASES.get(kind, kind)
    intent_id = data.get("payment_intent") if kind.startswith("charge.") else data.get("id")
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(provider=provider, event_id=event["id"], type=received,
                                                 payload=payload or json.dumps(event))
    except IntegrityError:
        return "duplicate: already handled"
    found = Payment.objects.filter(provider_intent_id=intent_id).values_list("pk", "booking_id", "enrollment_id") \
        .first() if intent_id else None
    payment = None
    if found is None:
        outcome = "ignored: no such payment"
    else:
        booking = booking_services.lock_booking(found[1]) if found[1] else None
        enrollment = course_services.lock_enrollment(found[2]) if found[2] else None
        payment = Payment.objects.select_for_update().get(pk=found[0])
        if kind in MOVES:
            outcome = _move(payment, booking, kind, data, now, enrollment=enrollment)
        elif kind == "charge.refunded":
            outcome = _refunded_by_provider(payment, booking, data, enrollment=enrollment, now=now)
        else:
            outcome = f"ignored: {kind} is not handled"
    record.payment, record.outcome = payment, outcome
    record.save(update_fields=["payment", "outcome"])
    return outcome


def _mismatch(payment: Payment, data: dict, amount_key: str) -> str | None:
    """Why this event's money is not the payment's, in words; None when amount and currency match."""
    amount, currency = data.get(amount_key), data.get("currency")
    if not isinstance(amount, int) or isinstance(amount, bool) or not isinstance(currency, str):
        return "the event does not say how much was paid, or in which currency"
    if currency.lower() != payment.currency.lower():
        return f"currency {currency.upper()} instead of {payment.currency.upper()}"
    if amount_key == "amount_received" and amount != to_minor(payment.amount, payment.currency):
        return (f"{from_minor(amount, payment.currency)} {payment.currency} received instead of "
                f"{payment.amount} {payment.currency}")
    return None


def _flag(payment: Payment, problem: str) -> str:
    """Record a provider event we cannot trust for staff to look at; it changes nothing else."""
    payment.flagged = problem[:300]
    payment.save(update_fields=["flagged", "updated_at"])
    logger.warning("Payment %s flagged: %s", payment.pk, problem)
    transaction.on_commit(lambda: mail_admins(f"Payment {payment.pk} needs a look", problem, fail_silently=True),
                          robust=True)
    return f"flagged: {problem}"


def _move(payment: Payment, booking: Booking | None, kind: str, data: dict, now: datetime, *,
          enrollment: Enrollment | None = None) -> str:
    sources, target = MOVES[kind]
    if payment.status not in sources:
        return f"ignored: out of order ({payment.status} cannot become {target})"
    if target == P.SUCCEEDED and (problem := _mismatch(payment, data, "amount_received")):
        return _flag(payment, problem)
    payment.status = target
    payment.save(update_fields=["status", "updated_at"])
    if target == P.SUCCEEDED and booking is not None:
        return _paid(payment, booking, now)
    if target == P.SUCCEEDED and enrollment is not None:
        return _enrollment_paid(payment, enrollment, now)
    return target


def _enrollment_paid(payment: Payment, enrollment: Enrollment, now: datetime) -> str:
    """The money for a course arrived: open the course, or give it back if the enrollment no longer waits for it
    (already paid by another payment, cancelled or refunded). Never keep two payments for one enrollment."""
    if enrollment.status == Enrollment.Status.PENDING_PAYMENT:
        course_services.enrollment_mark_paid(enrollment=enrollment, now=now)
        return "succeeded: enrollment active"
    reason = ("The course was already paid by another payment." if enrollment.status == Enrollment.Status.ACTIVE
              else "Paid after the enrollment ended.")
    payment_refund(payment=payment, amount=payment.amount - payment.refunded_amount, reason=reason)
    if enrollment.status == Enrollment.Status.ACTIVE:
        return "succeeded: enrollment already paid, refunded in full"
    return "succeeded: enrollment no longer open, refunded in full"


def _paid(payment: Payment, booking: Booking, now: datetime) -> str:
    """The money arrived: mark the booking paid, reinstate it, or give the money back. Never keep it silently,
    and never keep two payments for one booking."""
    if booking.is_live and booking.payment_status == Booking.PaymentStatus.PENDING:
        booking_services.booking_mark_paid(booking=booking)
        return "succeeded: booking paid"
    if booking.is_live and booking.payment_status == Booking.PaymentStatus.PAID:
        payment_refund(payment=payment, amount=payment.amount - payment.refunded_amount,
                       reason="The booking was already paid by another payment.")
        return "succeeded: booking already paid, refunded in full"
    if booking_services.booking_reinstate(booking=booking, now=now):
        booking_services.booking_mark_paid(booking=booking)
        return "succeeded: booking reinstated and paid"
    payment_refund(payment=payment, amount=payment.amount - payment.refunded_amount,
                   reason="Paid after the booking ended.")
    if booking.payment_status != Booking.PaymentStatus.PAID:  # a late cancellation's kept share stays as it is
        booking.payment_status = Booking.PaymentStatus.REFUNDED
        booking.save(update_fields=["payment_status", "updated_at"])
    return "succeeded: booking no longer open, refunded in full"


def _refunded_by_provider(payment: Payment, booking: Booking | None, data: dict, *,
                          enrollment: Enrollment | None = None, now: datetime | None = None) -> str:
    """A refund reported by the provider: ours coming back, or one made outside MentorHub (the dashboard)."""
    if payment.status not in (P.SUCCEEDED, P.PARTIALLY_REFUNDED, P.REFUNDED):
        return f"ignored: out of order ({payment.status} was never paid)"
    if problem := _mismatch(payment, data, "amount_refunded"):
        return _flag(payment, problem)
    outcome = _refunded(payment, from_minor(data["amount_refunded"], payment.currency))
    if booking is not None and booking.is_live and booking.payment_status == Booking.PaymentStatus.PAID:
        kept = policy.paid_amount(booking)
        if kept <= 0:
            booking_services.booking_end_refunded(booking=booking, reason_code=reasons.REFUNDED_BY_PROVIDER)
            return f"{outcome}; booking cancelled"
        if kept < booking.price:
            return _flag(payment, f"partly refunded outside MentorHub while the booking is live ({kept} of "
                                  f"{booking.price} {booking.currency} kept)")
    if enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE and enrollment.price > 0:
        kept = policy.paid_amount(enrollment)
        if kept <= 0:
            course_services.enrollment_end_refunded(enrollment=enrollment, now=now)
            return f"{outcome}; enrollment refunded"
        if kept < enrollment.price:
            return _flag(payment, f"partly refunded outside MentorHub while the enrollment is active ({kept} of "
                                  f"{enrollment.price} {enrollment.currency} kept)")
    return outcome


def _refunded(payment: Payment, total_refunded: Decimal) -> str:
    payment.refunded_amount = min(max(payment.refunded_amount, total_refunded), payment.amount)
    payment.status = P.REFUNDED if payment.refunded_amount >= payment.amount else P.PARTIALLY_REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    return f"{payment.status}: {payment.refunded_amount} {payment.currency}"


def payment_refund(*, payment: Payment, amount: Decimal, reason: str) -> Decimal:
    """Give money back through the provider and record it (call inside the caller's transaction, payment locked).

    Only moves money: what it means for the booking is the caller's to decide."""
    amount = min(amount, payment.amount - payment.refunded_amount)
    if amount <= 0:
        return Decimal("0")
    get_provider(payment.provider).refund(payment, amount,
                                          key=f"{payment.idempotency_key}-refund-{payment.refunded_amount + amount}")
    _refunded(payment, payment.refunded_amount + amount)
    return amount


def _give_back(booking: Booking, amount: Decimal, reason: str) -> None:
    """Refund up to ``amount`` of what the booking kept, and void its open intents (booking locked)."""
    for payment in booking.payments.select_for_update().filter(status__in=KEPT).order_by("created_at", "id"):
        amount -= payment_refund(payment=payment, amount=amount, reason=reason)
    for payment in booking.payments.select_for_update().filter(status__in=OPEN):
        _void(payment)
    if booking.payment_status == Booking.PaymentStatus.PAID and policy.paid_amount(booking) <= 0:
        booking.payment_status = Booking.PaymentStatus.REFUNDED  # saved by the caller's transition


@transaction.atomic
def payment_refund_by_staff(
    *, payment_id: int, staff: User, amount: Decimal | None = None, reason: str = "",
) -> Decimal:
    """Staff give back ``amount`` of a payment (everything it kept when None); returns what was refunded.

    A live booking (or an active enrollment) always keeps its whole price, so a refund of part of its money is
    refused: all of it is given back and the booking is cancelled (the enrollment refunded). A booking that has
    ended may get any part of what its payment still keeps. Each staff refund is recorded in the payment's
    history, and the people it concerns are told.
    """
    found = Payment.objects.filter(pk=payment_id).values_list("booking_id", "enrollment_id").first()
    if found is None:
        raise NotFound(_("No such payment."))
    booking = booking_services.lock_booking(found[0]) if found[0] else None
    enrollment = course_services.lock_enrollment(found[1]) if found[1] else None
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    kept = payment.amount - payment.refunded_amount
    if payment.status not in KEPT or kept <= 0:
        raise Conflict(_("%(payment)s: nothing to refund.") % {"payment": payment})
    if amount is not None and (not Decimal("0") < amount <= kept or amount != amount.quantize(Decimal("0.01"))):
        raise InvalidInput(_("Refund between 0.01 and %(kept)s %(currency)s: this payment keeps %(kept)s.") % {
            "kept": kept, "currency": payment.currency}, field="amount")
    whole = amount is None or amount == kept
    note = reason.strip()
    # The payment's own log (staff read it); the booking's history keeps a code and the note instead.
    reason = f"Refunded by staff ({staff.email}). {note}".strip()
    if enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE:
        if not whole:
            raise Conflict(_("An active enrollment keeps its whole price: refund all of it (its access ends)."))
        refunded = policy.paid_amount(enrollment)
        refund_enrollment_in_full(enrollment=enrollment, reason=reason)
        course_services.enrollment_end_refunded(enrollment=enrollment)
        _record_staff_refund(payment, refunded, reason)
        return refunded
    if booking is not None and booking.is_live:
        if not whole:
            raise Conflict(_("%(booking)s is live and keeps its whole price: cancel it, or refund all of it "
                             "(which cancels it).") % {"booking": booking})
        refunded = policy.paid_amount(booking)
        _give_back(booking, refunded, reason)
        booking_services.booking_end_refunded(  # tells both sides
            booking=booking, reason_code=reasons.REFUNDED_BY_STAFF, reason_params={"staff": staff.email}, note=note,
            actor=staff)
        _record_staff_refund(payment, refunded, reason)
        return refunded
    refunded = payment_refund(payment=payment, amount=kept if amount is None else amount, reason=reason)
    if booking is not None and booking.payment_status == Booking.PaymentStatus.PAID and \
            policy.paid_amount(booking) <= 0:
        booking.payment_status = Booking.PaymentStatus.REFUNDED
        booking.save(update_fields=["payment_status", "updated_at"])
    if booking is not None:
        booking_services.booking_note_refund(
            booking=booking, actor=staff, reason_code=reasons.REFUNDED_PART_BY_STAFF, note=note,
            reason_params={"amount": str(refunded), "currency": payment.currency, "staff": staff.email})
    _record_staff_refund(payment, refunded, reason)
    _tell_of_refund(payment, refunded, booking)
    return refunded


def _record_staff_refund(payment: Payment, amount: Decimal, reason: str) -> None:
    """The payment's history keeps staff refunds next to the provider's events."""
    PaymentEvent.objects.create(provider=payment.provider, event_id=f"staff_refund_{uuid.uuid4().hex}",
                                type="staff.refund", payment=payment,
                                outcome=f"{amount} {payment.currency} refunded. {reason}"[:200])


def _tell_of_refund(payment: Payment, amount: Decimal, booking: Booking | None) -> None:
    """A refund that ends nothing (the booking had already ended) still reaches the payer, and the mentor whose
    earnings it lowers. A refund that cancels a booking is told by the cancellation notice."""
    from notifications.services import notification_send

    link = f"/payments/{payment.pk}/receipt/"

    def tell_payer():
        with speaking_to(payment.payer):  # staff act in their language; the payer reads theirs
            money = format_money(amount, payment.currency)
            notification_send(
                user=payment.payer, kind="payment.refunded", title=_("%(money)s refunded") % {"money": money},
                body=_("%(description)s: %(money)s is on its way back to you.") % {
                    "description": payment.description, "money": money}, link=link)

    transaction.on_commit(tell_payer, robust=True)
    if booking is not None:
        mentor = booking.slot.mentor.user

        def tell_mentor():
            with speaking_to(mentor):
                money = format_money(amount, payment.currency)
                notification_send(
                    user=mentor, kind="payment.refunded",
                    title=_("%(money)s of a session refunded") % {"money": money},
                    body=_("Staff refunded %(money)s of %(name)s's session (booking %(booking)s).") % {
                        "money": money, "name": payment.payer.display_name, "booking": booking.pk},
                    link=f"/bookings/{booking.pk}/")

        transaction.on_commit(tell_mentor, robust=True)


def refund_for_cancellation(*, booking: Booking, actor: User, now: datetime,
                            full_refund: bool = False) -> policy.RefundQuote:
    """The policy hook booking_cancel calls: refund what the policy grants, return the rule that applied."""
    quote = policy.refund_quote(booking=booking, actor=actor, now=now, full_refund=full_refund)
    _give_back(booking, quote.amount, quote.rule)
    return quote


def refund_booking_in_full(*, booking: Booking, reason: str) -> None:
    """Everything the booking kept goes back (a declined or expired request)."""
    _give_back(booking, policy.paid_amount(booking), reason)


def refund_part_for_booking(*, booking: Booking, staff: User, amount: Decimal, reason: str) -> Decimal:
    """Staff give back ``amount`` of what the booking's latest kept payment holds (the booking admin's action)."""
    payment = Payment.objects.filter(booking=booking, status__in=KEPT).order_by("-created_at", "-id").first()
    if payment is None:
        raise DomainError(_("It keeps no payment to refund."))
    return payment_refund_by_staff(payment_id=payment.pk, staff=staff, amount=amount, reason=reason)


def refund_enrollment_in_full(*, enrollment: Enrollment, reason: str) -> Decimal:
    """Everything the enrollment kept goes back and its open checkouts are voided (enrollment locked).

    Only moves money: ending the learner's access is the caller's."""
    refunded = Decimal("0")
    for payment in enrollment.payments.select_for_update().filter(status__in=KEPT).order_by("created_at", "id"):
        refunded += payment_refund(payment=payment, amount=payment.amount - payment.refunded_amount, reason=reason)
    enrollment_void_open_payments(enrollment=enrollment)
    return refunded


def enrollment_void_open_payments(*, enrollment: Enrollment) -> None:
    for payment in enrollment.payments.select_for_update().filter(status__in=OPEN):
        _void(payment)


def open_enrollment_payment_ids(enrollment_ids) -> dict[int, int]:
    """For the learner's course list: each enrollment's payment still to complete (pending or failed), by id."""
    found = {}
    for payment in (Payment.objects.filter(enrollment_id__in=enrollment_ids, status__in=OPEN)
                    .order_by("created_at")):
        found[payment.enrollment_id] = payment.pk
    return found


def payment_start_for_enrollment(*, enrollment: Enrollment, now: datetime) -> Payment:
    """The open payment for an enrollment waiting to be paid (courses calls this, enrollment locked).

    The open intent is returned while it is still good (same amount, not past its window); otherwise every open
    one is voided with its provider first and a fresh one made, so an old checkout can never be paid on top."""
    if enrollment.status != Enrollment.Status.PENDING_PAYMENT or enrollment.price <= 0:
        raise Conflict(_("This enrollment has nothing to pay."))
    open_payments = list(Payment.objects.select_for_update().filter(enrollment=enrollment, status__in=OPEN)
                         .order_by("-created_at", "-id"))
    if open_payments and open_payments[0].expires_at > now and open_payments[0].amount == enrollment.price \
            and open_payments[0].currency == enrollment.currency:
        return open_payments[0]
    for stale in open_payments:
        _void(stale)
    provider = get_provider()
    payment = Payment.objects.create(
        payer=enrollment.user, enrollment=enrollment, amount=enrollment.price, currency=enrollment.currency,
        provider=provider.name, description=(_("Course: %(title)s") % {"title": enrollment.course.title})[:200],
        idempotency_key=f"enrollment-{enrollment.pk}-{uuid.uuid4().hex}", expires_at=now + ENROLLMENT_PAYMENT_WINDOW,
    )
    intent = provider.create_intent(payment)
    payment.provider_intent_id, payment.client_secret = intent.id, intent.client_secret
    payment.save(update_fields=["provider_intent_id", "client_secret", "updated_at"])
    return payment


@transaction.atomic
def offline_checkout_decide(*, payment_id: int, payer: User, succeed: bool) -> str:
    """The offline provider's test checkout: the payer's choice becomes a provider event, like a webhook.

    Only an open intent can be decided: a checkout replaced by a newer one, or already paid, refuses."""
    payment = Payment.objects.filter(pk=payment_id, payer=payer, provider="offline").first()
    if payment is None:
        raise NotFound(_("No such payment."))
    if payment.status not in OPEN:
        raise Conflict(_("This checkout is no longer open: it was paid, replaced by a newer one, or cancelled."))
    kind = "payment_intent.succeeded" if succeed else "payment_intent.payment_failed"
    intent = {"id": payment.provider_intent_id, "object": "payment_intent", "currency": payment.currency.lower(),
              "amount": to_minor(payment.amount, payment.currency)}
    if succeed:
        intent["amount_received"] = intent["amount"]
    event = {"id": f"evt_offline_{uuid.uuid4().hex}", "type": kind, "data": {"object": intent}}
    return payment_event_record(provider="offline", event=event)
