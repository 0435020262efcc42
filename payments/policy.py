"""The cancellation policy: how much of what was paid comes back, and why, in words shown to the user."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking


@dataclass(frozen=True)
class RefundQuote:
    amount: Decimal
    percent: int
    rule: str


@dataclass(frozen=True)
class RefundTerms:
    """What a mentee gets back if they cancel, shown before booking and before paying."""

    full_until: datetime  # cancel by then: everything back
    late_percent: int  # cancel after that (before the start): this share back
    full_refund_hours: int


def refund_terms(*, mentor, start: datetime) -> RefundTerms:
    """The mentor's cancellation terms for a session starting at ``start`` (refund_quote applies them)."""
    return RefundTerms(full_until=start - timedelta(hours=mentor.full_refund_hours),
                       late_percent=mentor.late_refund_percent, full_refund_hours=mentor.full_refund_hours)


def paid_amount(booking: Booking) -> Decimal:
    from payments.models import Payment

    total = Decimal("0")
    for payment in booking.payments.filter(status__in=[Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED]):
        total += payment.amount - payment.refunded_amount
    return total


def refund_quote(*, booking: Booking, actor: User, now: datetime, full_refund: bool = False) -> RefundQuote:
    """What cancelling now would refund. The mentor's cancellation always refunds in full; staff cancel under
    the mentee's terms unless they grant a full refund (``full_refund``, which only staff may ask for)."""
    paid = paid_amount(booking)
    mentor = booking.slot.mentor
    if paid <= 0:
        return RefundQuote(Decimal("0"), 0, _("Nothing was paid, so nothing is refunded."))
    if actor.pk == mentor.user_id:
        return RefundQuote(paid, 100, _("Cancelled by the mentor: full refund."))
    if full_refund:
        return RefundQuote(paid, 100, _("Cancelled by staff with a full refund."))
    hours = (booking.slot.start - now).total_seconds() / 3600
    if hours >= mentor.full_refund_hours:
        return RefundQuote(paid, 100, _("Cancelled at least %(hours)s hours before: full refund.") % {
            "hours": mentor.full_refund_hours})
    percent = mentor.late_refund_percent
    amount = (paid * percent / 100).quantize(Decimal("0.01"))
    return RefundQuote(amount, percent, _("Cancelled less than %(hours)s hours before: %(percent)s%% refund.") % {
        "hours": mentor.full_refund_hours, "percent": percent})
