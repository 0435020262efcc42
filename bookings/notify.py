"""Who hears about which booking change, in what words. Queued after commit; run by a task.

A booking that becomes scheduled (booked at once, confirmed, moved, reinstated) or is cancelled mails both
sides a calendar invite (``invite.ics``: METHOD REQUEST, or CANCEL) so their calendars follow the booking.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookings.calendar import booking_ics
from bookings.models import Booking
from mentorhub.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# to_status: the iTIP method of the invite mailed with the notice.
INVITE_METHODS = {"scheduled": "REQUEST", "cancelled": "CANCEL"}

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


def booking_changed_on_commit(booking_id: int, from_status: str, to_status: str, *, event_id: int) -> None:
    from bookings.tasks import notify_booking_changed

    enqueue_on_commit(notify_booking_changed, booking_id, from_status, to_status, event_id)


def bookings_changed_on_commit(changes: list[tuple[int, str, str, int]]) -> None:
    """Many changes of one sweep, (booking id, from, to, audit event id) each, as one task after commit."""
    from bookings.tasks import notify_bookings_changed

    enqueue_on_commit(notify_bookings_changed, changes)


def booking_changed(booking: Booking, from_status: str, to_status: str, *, event_id: int | None = None) -> None:
    """Tell the mentee and the mentor. Each notice is keyed by the change's audit event (``event_id``), so
    announcing the same change again (its task run twice) tells nobody twice."""
    mentor_user = booking.slot.mentor.user
    names = {"mentor": mentor_user.display_name, "mentee": booking.mentee.display_name}
    mentee_title, mentor_title = WORDS.get(to_status, ("Booking updated", "Booking updated"))
    if from_status == to_status == "scheduled":
        mentee_title, mentor_title = "Session with {mentor} moved", "Session with {mentee} moved"
    elif from_status in ("requested", "scheduled") and to_status == "requested":  # a move waiting for the mentor
        mentee_title, mentor_title = "Move requested: {mentor} will confirm", "{mentee} asks to move a session"
    when = timezone.localtime(booking.slot.start, timezone=_zone(booking.mentee.timezone))
    link = f"/bookings/{booking.pk}/"
    body = f"{booking.topic or 'Session'} — {when:%a %d %b %Y, %H:%M} ({booking.mentee.timezone})."
    method = INVITE_METHODS.get(to_status)
    key = f"booking-event:{event_id}" if event_id else ""
    _notify_or_log(booking, user=booking.mentee, kind=f"booking.{to_status}", title=mentee_title.format(**names),
                   body=body, link=link, method=method, key=key)
    mentor_when = timezone.localtime(booking.slot.start, timezone=_zone(mentor_user.timezone))
    _notify_or_log(booking, user=mentor_user, kind=f"booking.{to_status}", title=mentor_title.format(**names),
                   body=f"{booking.topic or 'Session'} — {mentor_when:%a %d %b %Y, %H:%M} ({mentor_user.timezone}).",
                   link=link, method=method, key=key)


def _notify_or_log(booking: Booking, *, user: User, kind: str, **notice) -> None:
    """Each side's notice on its own: one that fails is logged and the other side is still told."""
    try:
        _notify(booking, user=user, kind=kind, **notice)
    except Exception:
        logger.exception("Could not notify user %s of %s on booking %s", user.pk, kind, booking.pk)


@transaction.atomic
def _notify(booking: Booking, *, user: User, kind: str, title: str, body: str, link: str, method: str | None,
            key: str) -> None:
    """The in-app notice; its e-mail comes from notifications, or from here when it carries an invite (sent
    after the notice commits, and not at all when the notice was already sent)."""
    from notifications.emails import render_notice, send_after_commit, subject_line
    from notifications.services import notification_send

    notice = notification_send(user=user, kind=kind, title=title, body=body, link=link, email=method is None,
                               key=key)
    if notice is None or method is None or not user.email:
        return
    ics = booking_ics(booking=booking, method=method, viewer=user)
    content_type = f"text/calendar; method={method}"
    text, html = render_notice(user=user, title=title, body=body, link=link)
    message = EmailMultiAlternatives(subject_line(title), text, None, [user.email])
    message.attach_alternative(html, "text/html")
    message.attach_alternative(ics.decode(), content_type)  # what Outlook and Gmail read as the invite itself
    message.attach("invite.ics", ics, content_type)
    send_after_commit(message)


def _zone(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
