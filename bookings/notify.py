"""Who hears about which booking change, in what words. Queued after commit; run by a task.

A booking that becomes scheduled (booked at once, confirmed, moved, reinstated) or is cancelled mails both
sides a calendar invite (``invite.ics``: METHOD REQUEST, or CANCEL) so their calendars follow the booking.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings.calendar import booking_ics
from bookings.models import Booking
from mentorhub.i18n import speaking_to
from mentorhub.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# to_status: the iTIP method of the invite mailed with the notice.
INVITE_METHODS = {"scheduled": "REQUEST", "cancelled": "CANCEL"}

WORDS = {
    # to_status: (mentee title, mentor title), built in each recipient's language
    "requested": (_("Request sent to %(mentor)s"), _("New booking request from %(mentee)s")),
    "scheduled": (_("Session with %(mentor)s is booked"), _("%(mentee)s booked a session")),
    "declined": (_("%(mentor)s declined your request"), _("You declined %(mentee)s's request")),
    "expired": (_("Your request to %(mentor)s expired"), _("%(mentee)s's request expired unanswered")),
    "cancelled": (_("Session with %(mentor)s cancelled"), _("Session with %(mentee)s cancelled")),
    "completed": (_("Session with %(mentor)s completed"), _("Session with %(mentee)s completed")),
    "no_show": (_("Marked as a no-show"), _("%(mentee)s marked as a no-show")),
}
UPDATED = (_("Booking updated"), _("Booking updated"))
MOVED = (_("Session with %(mentor)s moved"), _("Session with %(mentee)s moved"))
MOVE_REQUESTED = (_("Move requested: %(mentor)s will confirm"), _("%(mentee)s asks to move a session"))


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
    mentee_title, mentor_title = WORDS.get(to_status, UPDATED)
    if from_status == to_status == "scheduled":
        mentee_title, mentor_title = MOVED
    elif from_status in ("requested", "scheduled") and to_status == "requested":  # a move waiting for the mentor
        mentee_title, mentor_title = MOVE_REQUESTED
    link = f"/bookings/{booking.pk}/"
    method = INVITE_METHODS.get(to_status)
    key = f"booking-event:{event_id}" if event_id else ""
    for user, title in ((booking.mentee, mentee_title), (mentor_user, mentor_title)):
        # Each side reads it in their own language, whoever made the change.
        with speaking_to(user):
            _notify_or_log(booking, user=user, kind=f"booking.{to_status}", title=str(title) % names,
                           body=_when_line(booking, user), link=link, method=method, key=key)


def _when_line(booking: Booking, user: User) -> str:
    """The notice's body, "Topic — Mon 01 Jun 2026, 14:00 (Europe/Moscow).", in the user's zone and language."""
    when = timezone.localtime(booking.slot.start, timezone=_zone(user.timezone))
    return gettext("%(topic)s — %(when)s (%(zone)s).") % {
        "topic": booking.topic or gettext("Session"), "when": date_format(when, gettext("D d M Y, H:i")),
        "zone": user.timezone}


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
