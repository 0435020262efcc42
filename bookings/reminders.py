"""The reminders before each session: which bookings are due one, and what each side is told.

bookings decides (it locks the booking and re-checks it); notifications delivers (``notification_send``,
SMS) and keeps the ``Reminder`` row that makes each reminder go out once. The beat task is
``bookings.tasks.send_reminders``, registered under its old name ``notifications.tasks.send_reminders``.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from bookings.services import lock_booking
from mentorhub.errors import NotFound
from notifications.models import Reminder
from notifications.services import notification_send
from notifications.sms import send_sms

# kind -> (sent once the start is at most this far away, but only while it is further away than this).
# A reminder whose moment was missed by more than that is never sent late: 30 minutes before the
# start only the 1h reminder goes out, not the 24h one.
REMINDER_WINDOWS = {
    Reminder.Kind.DAY_BEFORE: (timedelta(hours=24), timedelta(hours=1)),
    Reminder.Kind.HOUR_BEFORE: (timedelta(hours=1), timedelta(0)),
}


def _due(kind: str, now: datetime):
    lead, until = REMINDER_WINDOWS[kind]
    already = Reminder.objects.filter(booking=OuterRef("pk"), kind=kind, slot_start=OuterRef("slot__start"))
    return (Booking.objects.filter(status__in=Booking.LIVE, slot__start__gt=now + until, slot__start__lte=now + lead)
            .exclude(Q(status=Booking.Status.REQUESTED) & Q(hold_expires_at__lte=now))
            # Unpaid past their payment deadline: about to be cancelled, not reminded.
            .exclude(Q(payment_status=Booking.PaymentStatus.PENDING) & Q(payment_due_at__lte=now))
            .exclude(Exists(already)))


def _still_due(booking, *, kind: str, now: datetime) -> bool:
    """The same rule as ``_due``, re-checked on the locked row (it may have been cancelled or moved meanwhile)."""
    lead, until = REMINDER_WINDOWS[kind]
    start = booking.slot.start
    if booking.status not in Booking.LIVE or not (now + until < start <= now + lead):
        return False
    if booking.status == Booking.Status.REQUESTED and booking.hold_expires_at and booking.hold_expires_at <= now:
        return False
    return not (booking.payment_status == Booking.PaymentStatus.PENDING and booking.payment_due_at
                and booking.payment_due_at <= now)


def reminders_send_due(*, now: datetime) -> int:
    """The beat sweep: send every reminder that is due, each in its own transaction. Returns how many were sent.

    Safe to run twice and in parallel: each reminder is recorded before it is sent, under a unique key.
    """
    sent = 0
    for kind in REMINDER_WINDOWS:
        due = _due(kind, now).order_by("slot__start", "pk").values_list("pk", flat=True)
        sent += sum(reminder_send(booking_id=pk, kind=kind, now=now) for pk in list(due))
    return sent


@transaction.atomic
def reminder_send(*, booking_id: int, kind: str, now: datetime) -> bool:
    """Remind mentee and mentor of one live booking, once per kind and start. False if not due or already sent."""
    try:
        booking = lock_booking(booking_id)
    except NotFound:
        return False
    if not _still_due(booking, kind=kind, now=now):
        return False
    try:
        with transaction.atomic():  # a savepoint: losing the race must not spoil the outer transaction
            Reminder.objects.create(booking=booking, kind=kind, slot_start=booking.slot.start, sent_at=now)
    except IntegrityError:
        return False  # another sweep recorded (and so sent) it
    mentor = booking.slot.mentor.user
    _remind(booking, recipient=booking.mentee, other=mentor, is_mentor=False, kind=kind, now=now)
    _remind(booking, recipient=mentor, other=booking.mentee, is_mentor=True, kind=kind, now=now)
    return True


def _in_words(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if minutes < 90:
        return "in 1 hour"
    return f"in {round(minutes / 60)} hours"


def _local(moment: datetime, zone_name: str) -> str:
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, zone_name = zoneinfo.ZoneInfo("UTC"), "UTC"
    return f"{timezone.localtime(moment, timezone=zone):%a %d %b %Y, %H:%M} ({zone_name})"


def _remind(booking, *, recipient: User, other: User, is_mentor: bool, kind: str, now: datetime) -> None:
    start = booking.slot.start
    title = f"Reminder: session with {other.display_name} {_in_words(start - now)}"
    when = _local(start, recipient.timezone)
    lines = [f"{booking.topic or 'Session'} — {when}."]
    if booking.status == Booking.Status.REQUESTED:
        lines.append("Still waiting for your confirmation." if is_mentor
                     else "Still waiting for the mentor to confirm.")
    if booking.payment_status == Booking.PaymentStatus.PENDING and not is_mentor:
        deadline = _local(booking.payment_due_at, recipient.timezone)
        lines.append(f"Not paid yet: pay by {deadline} or the seat is released.")
    notification_send(user=recipient, kind=f"reminder.{kind}", title=title, body=" ".join(lines),
                      link=reverse("bookings:detail", args=[booking.pk]))
    if recipient.phone and recipient.sms_opt_in:
        text = f"MentorHub: {title}, {when}."
        # After commit, so a rolled-back reminder sends nothing; a failing provider is logged, not fatal.
        # A lambda, not a partial: Django names a failing robust callback by its __qualname__.
        phone = recipient.phone
        transaction.on_commit(lambda: send_sms(to=phone, text=text), robust=True)
