"""Who belongs in a session's room."""

from django.db.models import QuerySet

from bookings.models import Booking

S = Booking.Status
# A seat may be in the room while scheduled, and stays there once the mentor marks the session complete:
# completing records the outcome, it does not end the call (the window does).
IN_ROOM = (S.SCHEDULED, S.COMPLETED)
# The mentor's room stays open after a no-show too, for the rest of the window: recording one
# mentee's absence must not throw the mentor (or the others of a group) out of the call.
HELD = (S.SCHEDULED, S.COMPLETED, S.NO_SHOW)
SETTLED = (Booking.PaymentStatus.PAID, Booking.PaymentStatus.NOT_REQUIRED)


def settled_seats(slot_id: int, statuses=(S.SCHEDULED,)) -> QuerySet[Booking]:
    """The seats of a slot in these statuses that are paid or free."""
    return Booking.objects.filter(slot_id=slot_id, status__in=statuses, payment_status__in=SETTLED)


def room_seats(*, slot_id: int) -> QuerySet[Booking]:
    """For the mentor's room page: the slot's paid (or free) seats that are or were in the session."""
    return settled_seats(slot_id, HELD).select_related("mentee").order_by("id")
