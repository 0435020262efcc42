"""The cancellation policy: how much of what was paid comes back, and why, in words shown to the user."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from bookings.models import Booking

# Which rule applied, by code, and its words. The code and its values are what is kept (a cancellation's
# history stores them); the words are put together when read, in the reader's language.
RULES = {
    "nothing_paid": gettext_noop("Nothing was paid, so nothing is refunded."),
    "by_mentor": gettext_noop("Cancelled by the mentor: full refund."),
    "staff_full": gettext_noop("Cancelled by staff with a full refund."),
    "in_time": gettext_noop("Cancelled at least %(hours)s hours before: full refund."),
    "late": gettext_noop("Cancelled less than %(hours)s hours before: %(percent)s%% refund."),
}


def rule_text(code: str, params: dict | None = None) -> str:
    """A refund rule in the active language; "" for a code this policy does not know."""
    words = RULES.get(code)
    return gettext(words) % (params or {}) if words else ""


@dataclass(frozen=True)
class RefundQuote:
    amount: Decimal
    percent: int
    rule_code: str
    rule_params: dict = field(default_factory=dict)

    @property
    def rule(self) -> str:
        """Why this much, in the active language (the reader's, when a page or an answer shows it)."""
        return rule_text(self.rule_code, self.rule_params)


@dataclass(frozen=True)
class RefundTerms:
    """What a mentee gets back if they cancel, shown before booking and before paying."""

    full_until: datetime  # cancel by then: everything back
    late_percent: int  # cancel after that (before the start): this share back
    full_refund_hours: int
    full_refund_open: bool  # whether full_until is still ahead (when the terms were made)


def refund_terms(*, mentor, start: datetime, now: datetime | None = None) -> RefundTerms:
    """The mentor's cancellation terms for a session starting at ``start`` (refund_quote applies them), and
    whether cancelling ``now`` (default: this moment) would still refund in full."""
    full_until = start - timedelta(hours=mentor.full_refund_hours)
    return RefundTerms(full_until=full_until, late_percent=mentor.late_refund_percent,
                       full_refund_hours=mentor.full_refund_hours,
                       full_refund_open=(now or timezone.now()) <= full_until)


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
        return RefundQuote(Decimal("0"), 0, "nothing_paid")
    if actor.pk == mentor.user_id:
        return RefundQuote(paid, 100, "by_mentor")
    if full_refund:
        return RefundQuote(paid, 100, "staff_full")
    if refund_terms(mentor=mentor, start=booking.slot.start, now=now).full_refund_open:
        return RefundQuote(paid, 100, "in_time", {"hours": mentor.full_refund_hours})
    percent = mentor.late_refund_percent
    amount = (paid * percent / 100).quantize(Decimal("0.01"))
    return RefundQuote(amount, percent, "late", {"hours": mentor.full_refund_hours, "percent": percent})
