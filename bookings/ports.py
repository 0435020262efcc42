"""What bookings asks of the apps above it: payments (the money) and sessions_app (the meeting room).

bookings owns seats and statuses: it decides that a booking is held, confirmed, cancelled or moved, and
every status change goes through its ``_transition``. It does not own money or rooms, and both of those
apps build on bookings (docs/ARCHITECTURE.md, "Layers"), so bookings may not import them, not even
inside a function. Each plugs its side in once, from its ``AppConfig.ready()``:

- payments registers ``Money``: when bookings cancels, declines or ends a booking it asks payments to
  refund (payments decides how much, by its refund policy, and voids open checkouts); its pages quote
  the refund and the terms; its admin page lists the payments and refunds part of one. Payments reports
  back the other way by calling bookings' own services (``booking_mark_paid``, ``booking_end_refunded``,
  ...), so each decision has one owner.
- sessions_app registers ``Sessions``: the session chat shown on a booking's page, the room's state and
  "mark as a no-show" on the admin page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Money:
    # (*, booking, actor, now, full_refund=False): refund what the policy gives back; voids open checkouts
    refund_for_cancellation: Callable
    # (*, booking, reason): give back everything it paid (declined, expired, a refused move)
    refund_in_full: Callable
    # (*, booking, actor, now, full_refund=False) -> quote with .amount, .percent, .rule (words in the active
    # language) and .rule_code, .rule_params (what a cancellation's history keeps)
    refund_quote: Callable
    # (code, params) -> a refund rule in the active language, "" for an unknown code (a history's reader)
    refund_rule_text: Callable
    # (*, mentor, start, now=None) -> terms with .full_until, .late_percent, .full_refund_hours, .full_refund_open
    refund_terms: Callable
    # (*, booking, staff, amount, reason): staff give back part of what the booking's payment keeps
    refund_part_by_staff: Callable
    # () -> the admin inlines shown on a booking's page
    admin_inlines: Callable


@dataclass(frozen=True)
class Sessions:
    # (*, user, booking_id, before_id=None) -> the session chat as this user may read it, or None
    chat_transcript: Callable
    # (booking) -> the meeting room's state, for the admin page
    meeting_text: Callable
    # (*, booking_id, user): record that the mentee did not come
    no_show: Callable


_registered: dict[str, object] = {}


def register_money(money: Money) -> None:
    _registered["money"] = money


def register_sessions(sessions: Sessions) -> None:
    _registered["sessions"] = sessions


def _get(name: str, app: str):
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(f"bookings needs {app} installed: it registers bookings' {name} port.") from None


def money() -> Money:
    return _get("money", "payments")


def sessions() -> Sessions:
    return _get("sessions", "sessions_app")
