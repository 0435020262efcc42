"""Who belongs in a session's room, and in its chat."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking
from mentorhub.errors import NotFound
from mentors.models import Slot
from sessions_app.models import SessionMessage

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


# --- the session chat ----------------------------------------------------------------------------

# Seats whose mentee takes part in the slot's chat: live ones, and those of a session that happened
# (or was due to). A cancelled, declined or expired seat gives no access, as if there never was one.
CHAT_SEATS = (S.REQUESTED, S.SCHEDULED, S.COMPLETED, S.NO_SHOW)
# After a completed session its people may still write for a while (a link, a thank-you), then it is a record.
CHAT_WRITE_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class ChatAccess:
    """What one participant may do in a slot's chat, decided from ``seats`` (the seats that give access)."""

    slot: Slot
    is_mentor: bool
    may_write: bool
    seats: tuple[Booking, ...]


def seat_may_write(seat: Booking, *, now: datetime) -> bool:
    """A live or completed seat, until ``CHAT_WRITE_GRACE`` after the session ended.

    Live seats close too: nothing completes a session its mentor never marked, and a chat of a year-old
    "scheduled" session is a record like any other.
    """
    return seat.status in (*Booking.LIVE, S.COMPLETED) and now <= seat.slot.end + CHAT_WRITE_GRACE


def chat_access(*, user: User, booking_id: int, now: datetime | None = None, lock: bool = False) -> ChatAccess:
    """Who may read and write the chat of a booking's slot (see sessions_app.chat); anyone else: NotFound.

    ``booking_id`` is the mentee's own booking, or for the slot's mentor any booking of the slot; it only
    names the slot. The mentor reads the chat of each of their slots for good and writes while some
    seat may (``seat_may_write``); a mentee reads while they hold a seat in ``CHAT_SEATS`` and writes
    while one of those may. ``lock`` locks the deciding seats (in id order) for the caller's transaction.
    Two queries.
    """
    now = now or timezone.now()
    booking = Booking.objects.select_related("slot__mentor").filter(pk=booking_id).first()
    if booking is None or not user.is_authenticated:
        raise NotFound(_("No such session."))
    slot = booking.slot
    is_mentor = slot.mentor.user_id == user.pk
    if not is_mentor and booking.mentee_id != user.pk:
        raise NotFound(_("No such session."))  # outsiders (staff included) learn nothing
    seats = Booking.objects.filter(slot=slot, status__in=CHAT_SEATS).order_by("id")
    if not is_mentor:
        seats = seats.filter(mentee=user)
    if lock:
        seats = seats.select_for_update()
    seats = tuple(seats)
    for seat in seats:
        seat.slot = slot  # seat_may_write reads the end without a query per seat
    if not is_mentor and not seats:
        raise NotFound(_("No such session."))  # a seat cancelled, declined or expired lost the chat
    return ChatAccess(slot=slot, is_mentor=is_mentor, may_write=any(seat_may_write(s, now=now) for s in seats),
                      seats=seats)


def chat_participant_ids(*, slot: Slot) -> list[int]:
    """The users who read a slot's chat: its mentor and the mentees of its ``CHAT_SEATS``."""
    mentees = (Booking.objects.filter(slot=slot, status__in=CHAT_SEATS).order_by("mentee_id")
               .values_list("mentee_id", flat=True).distinct())
    return [slot.mentor.user_id, *mentees]


def session_messages_before(*, slot_id: int, before_id: int | None, limit: int) -> tuple[list[SessionMessage], bool]:
    """Up to ``limit`` of a slot's chat messages older than ``before_id`` (or the newest), newest first, and
    whether more are older. One query, senders joined."""
    messages = SessionMessage.objects.filter(slot_id=slot_id)
    if before_id is not None:
        messages = messages.filter(id__lt=before_id)
    page = list(messages.select_related("sender").order_by("-id")[: limit + 1])
    return page[:limit], len(page) > limit


TRANSCRIPT_PAGE = 50


def chat_transcript(*, user: User, booking_id: int, before_id: int | None = None,
                    limit: int = TRANSCRIPT_PAGE) -> dict | None:
    """For pages: the chat of a booking's session as this user may see it, oldest first; None when they may not.

    ``{"access", "messages", "has_older", "oldest_id"}``; three queries.
    """
    try:
        access = chat_access(user=user, booking_id=booking_id)
    except NotFound:
        return None
    messages, has_older = session_messages_before(slot_id=access.slot.pk, before_id=before_id, limit=limit)
    messages.reverse()  # oldest at the top, like any chat
    return {"access": access, "messages": messages, "has_older": has_older,
            "oldest_id": messages[0].pk if messages else None}
