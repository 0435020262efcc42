"""Why a booking changed, as its history (``BookingEvent``) keeps it: a code and its values, put into words
only when the history is read, in the reader's language. What a person typed (a cancellation's reason, a
staff member's note) is kept apart, as they wrote it, and follows the words.

A fixed reason with nothing to fill in is kept as its English msgid (``gettext_noop``) in ``reason`` and
translated when read; older rows, written before the codes, are shown as they were stored.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, gettext_noop

from bookings import ports
from mentorhub.money import format_money

CANCELLED_BY_MENTEE = "cancelled_by_mentee"
CANCELLED_BY_MENTOR = "cancelled_by_mentor"
CANCELLED_BY_STAFF = "cancelled_by_staff"
DECLINED = "declined"
REFUNDED_BY_STAFF = "refunded_by_staff"
REFUNDED_PART_BY_STAFF = "refunded_part_by_staff"
REFUNDED_BY_PROVIDER = "refunded_by_provider"

# A booking's ``cancellation_reason`` when nobody typed one: the product cancelled it. Stored as this msgid
# and said in the reader's language by the API (bookings/api/serializers.py).
UNPAID = gettext_noop("Not paid by the payment deadline.")

TEXTS = {
    CANCELLED_BY_MENTEE: gettext_noop("Cancelled by the mentee."),
    CANCELLED_BY_MENTOR: gettext_noop("Cancelled by the mentor."),
    CANCELLED_BY_STAFF: gettext_noop("Cancelled by staff."),
    DECLINED: gettext_noop("Declined by the mentor."),
    REFUNDED_BY_STAFF: gettext_noop("Refunded in full by staff (%(staff)s)."),
    REFUNDED_PART_BY_STAFF: gettext_noop("%(money)s refunded by staff (%(staff)s)."),
    REFUNDED_BY_PROVIDER: gettext_noop("Refunded in full by the payment provider."),
}


def cancelled_by(booking, actor) -> str:
    """The cancellation's code for who cancelled: the mentor, the mentee, or staff (anyone else)."""
    if actor.pk == booking.slot.mentor.user_id:
        return CANCELLED_BY_MENTOR
    return CANCELLED_BY_MENTEE if actor.pk == booking.mentee_id else CANCELLED_BY_STAFF


def _money(params: dict) -> str:
    try:
        return format_money(Decimal(str(params.get("amount"))), params.get("currency", ""))
    except (InvalidOperation, ValueError):
        return f"{params.get('amount')} {params.get('currency', '')}".strip()


def describe(code: str, params: dict | None, note: str = "") -> str:
    """The reason in the active language: the code's words with its values, what its author typed, and for a
    cancellation the refund rule that applied. An unknown code says only the note."""
    params = params or {}
    parts = []
    if words := TEXTS.get(code):
        values = {"staff": params.get("staff", "")}
        if "amount" in params:
            values["money"] = _money(params)
        parts.append(gettext(words) % values)
    rule = params.get("rule")
    rule_words = ports.money().refund_rule_text(rule, params.get("rule_params") or {}) if rule else ""
    if note:
        # A sentence of its own when the rule follows it.
        parts.append(note if not rule_words or note[-1] in ".!?…" else f"{note}.")
    if rule_words:
        parts.append(gettext("Refund policy: %(rule)s") % {"rule": rule_words})
    return " ".join(parts)
