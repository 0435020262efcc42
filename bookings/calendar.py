"""Bookings as iCalendar data: invites for e-mail and download, a user's secret feed, a Google Calendar link.

One booking is one calendar event everywhere: its UID never changes and its SEQUENCE is the booking's
``ical_sequence`` (bumped by a reschedule), so a calendar that received the invite, imported the file or
subscribed to the feed updates the same event instead of adding a second one.
"""

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking
from mentorhub.i18n import speaking_to

PRODID = "-//MentorHub//Bookings//EN"
METHODS = ("REQUEST", "CANCEL", "PUBLISH")  # PUBLISH: a download or the feed, not a message to act on
FEED_PAST_DAYS = 30
_ENDED = (Booking.Status.CANCELLED, Booking.Status.DECLINED, Booking.Status.EXPIRED)


def booking_url(booking: Booking) -> str:
    return f"{settings.SITE_URL}/bookings/{booking.pk}/"


def calendar_feed_url(user: User) -> str:
    return settings.SITE_URL + reverse("calendar-feed", kwargs={"token": user.calendar_token})


def booking_summary(booking: Booking, viewer: User | None = None) -> str:
    """The topic, or who the session is with (from the viewer's side; the mentor's name by default)."""
    if booking.topic:
        return booking.topic
    mentor_user = booking.slot.mentor.user
    other = booking.mentee if viewer is not None and viewer.pk == mentor_user.pk else mentor_user
    return _("Mentoring session with %(name)s") % {"name": other.display_name}


def booking_status(booking: Booking) -> str:
    if booking.status in _ENDED:
        return "CANCELLED"
    return "TENTATIVE" if booking.status == Booking.Status.REQUESTED else "CONFIRMED"


def booking_ics(*, booking: Booking, method: str, viewer: User | None = None) -> bytes:
    """One booking as a calendar: METHOD REQUEST (new or moved), CANCEL, or PUBLISH (a download)."""
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}.")
    calendar = _calendar(method=method)
    status = "CANCELLED" if method == "CANCEL" else booking_status(booking)
    with speaking_to(viewer) if viewer is not None else nullcontext():  # the calendar owner's language
        calendar.add_component(_event(booking, status=status, stamp=timezone.now(), viewer=viewer))
    return calendar.to_ical()


def user_feed_ics(*, user: User, now: datetime | None = None) -> bytes:
    """The user's sessions as mentee or mentor, from 30 days ago on, in one query."""
    now = now or timezone.now()
    bookings = (Booking.objects.filter(Q(mentee=user) | Q(slot__mentor__user=user),
                                       slot__end__gte=now - timedelta(days=FEED_PAST_DAYS))
                .select_related("slot__mentor__user", "mentee")
                .order_by("slot__start", "id"))
    calendar = _calendar(method="PUBLISH")
    with speaking_to(user):  # a calendar app fetches the feed: no request language, the owner's
        return _feed(calendar, user=user, bookings=bookings)


def _feed(calendar: icalendar.Calendar, *, user: User, bookings) -> bytes:
    calendar.add("x-wr-calname", _("MentorHub sessions"))
    calendar.add("refresh-interval", icalendar.vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for booking in bookings:
        # In a feed, DTSTAMP is the event's last change (RFC 5545, 3.8.7.2), so an unchanged feed is stable.
        calendar.add_component(_event(booking, status=booking_status(booking), stamp=booking.updated_at, viewer=user))
    return calendar.to_ical()


def google_calendar_url(booking: Booking, viewer: User | None = None) -> str:
    """A link that opens Google Calendar's "new event" form filled in with this session."""
    dates = f"{_utc_stamp(booking.slot.start)}/{_utc_stamp(booking.slot.end)}"
    query = urlencode({"action": "TEMPLATE", "text": booking_summary(booking, viewer), "dates": dates,
                       "details": _description(booking)}, quote_via=quote, safe="/")
    return f"https://calendar.google.com/calendar/render?{query}"


def _calendar(*, method: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(booking: Booking, *, status: str, stamp: datetime, viewer: User | None) -> icalendar.Event:
    mentor_user = booking.slot.mentor.user
    event = icalendar.Event()
    event.add("uid", f"{booking.ical_uid}@mentorhub")
    event.add("sequence", booking.ical_sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", booking.slot.start.astimezone(UTC))
    event.add("dtend", booking.slot.end.astimezone(UTC))
    event.add("summary", booking_summary(booking, viewer))
    event.add("description", _description(booking))
    event.add("url", booking_url(booking))
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    event.add("organizer", f"mailto:{mentor_user.email}", parameters={"CN": mentor_user.display_name})
    event.add("attendee", f"mailto:{booking.mentee.email}", parameters={
        "CN": booking.mentee.display_name, "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "ACCEPTED", "RSVP": "FALSE",  # the mentee booked it; no reply is expected
    })
    return event


def _description(booking: Booking) -> str:
    paragraphs = [booking.topic, _("Agenda:\n%(agenda)s") % {"agenda": booking.agenda} if booking.agenda else "",
                  _("Details, notes and changes: %(url)s") % {"url": booking_url(booking)}]
    return "\n\n".join(p for p in paragraphs if p)


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
