"""Who hears about which booking change, in what words. Queued after commit; run by a task."""

from django.db import transaction
from django.utils import timezone

from bookings.models import Booking

WORDS = {
    # to_status: (mentee title, mentor title)
    "requested": ("Request sent to {mentor}", "New booking request from {mentee}"),
    "scheduled": ("Session with {mentor} is booked", "{mentee} booked a session"),
    "declined": ("{mentor} declined your request", "You declined {mentee}'s request"),
    "expired": ("Your request to {mentor} expired", "{mentee}'s request expired unanswered"),
    "cancelled": ("Session with {mentor} cancelled", "Session with {mentee} cancelled"),
    "completed": ("Session with {mentor} completed", "Session with {mentee} completed"),
    "no_show": ("Marked as a no-show", "{mentee} marked as a no-show"),
}


def booking_changed_on_commit(booking_id: int, from_status: str, to_status: str) -> None:
    from bookings.tasks import notify_booking_changed

    transaction.on_commit(lambda: notify_booking_changed.delay(booking_id, from_status, to_status))


def booking_changed(booking: Booking, from_status: str, to_status: str) -> None:
    from notifications.services import notification_send

    mentor_user = booking.slot.mentor.user
    names = {"mentor": mentor_user.display_name, "mentee": booking.mentee.display_name}
    mentee_title, mentor_title = WORDS.get(to_status, ("Booking updated", "Booking updated"))
    if from_status == to_status == "scheduled":
        mentee_title, mentor_title = "Session with {mentor} moved", "Session with {mentee} moved"
    when = timezone.localtime(booking.slot.start, timezone=_zone(booking.mentee.timezone))
    link = f"/bookings/{booking.pk}/"
    body = f"{booking.topic or 'Session'} — {when:%a %d %b %Y, %H:%M} ({booking.mentee.timezone})."
    notification_send(user=booking.mentee, kind=f"booking.{to_status}", title=mentee_title.format(**names),
                      body=body, link=link)
    mentor_when = timezone.localtime(booking.slot.start, timezone=_zone(mentor_user.timezone))
    notification_send(user=mentor_user, kind=f"booking.{to_status}", title=mentor_title.format(**names),
                      body=f"{booking.topic or 'Session'} — {mentor_when:%a %d %b %Y, %H:%M} ({mentor_user.timezone}).",
                      link=link)


def _zone(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
