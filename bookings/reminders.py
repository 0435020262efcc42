"""The reminders before each session: which bookings are due one, and what each side is told.

bookings decides (it locks the bookings and re-checks them); notifications records and delivers the notices
(``notifications_send_many``: push, e-mail, SMS from a worker) and keeps the ``Reminder`` row that makes each
reminder go out once. The beat task is
``bookings.tasks.send_reminders``, registered under its old name ``notifications.tasks.send_reminders``.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from notifications.models import Reminder
from notifications.services import Notice, notifications_send_many

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


def reminders_send_due(*, now: datetime, batch: int | None = None) -> int:
    """The beat sweep: record every reminder now due, ``batch`` bookings per transaction. Returns how many.

    Each batch locks its bookings (skipping rows another sweep holds, so parallel sweeps share the work),
    records their ``Reminder`` rows under the unique key that makes each reminder exactly once, and the
    two notices per booking in one insert; a worker then pushes, mails and texts them
    (``notifications_send_many``). Bounded work per transaction and flat memory however many are due.
    """
    batch = batch or settings.SWEEP_BATCH_SIZE
    sent = 0
    for kind in REMINDER_WINDOWS:
        while True:
            picked, recorded = _remind_batch(kind=kind, now=now, batch=batch)
            sent += recorded
            if not picked:
                break
    return sent


@transaction.atomic
def _remind_batch(*, kind: str, now: datetime, batch: int) -> tuple[int, int]:
    ids = list(_due(kind, now).select_for_update(of=("self",), skip_locked=True)
               .order_by("slot__start", "pk").values_list("pk", flat=True)[:batch])
    if not ids:
        return 0, 0
    # Read again under the locks, in a new statement: a sweep that held one of them before us has committed
    # its Reminder row by now, and the booking may have been cancelled or moved meanwhile.
    bookings = list(_due(kind, now).filter(pk__in=ids).select_related("slot__mentor__user", "mentee")
                    .order_by("slot__start", "pk"))
    Reminder.objects.bulk_create(
        Reminder(booking=booking, kind=kind, slot_start=booking.slot.start, sent_at=now) for booking in bookings)
    notices = []
    for booking in bookings:
        mentor = booking.slot.mentor.user
        notices.append(_notice(booking, recipient=booking.mentee, other=mentor, is_mentor=False, kind=kind, now=now))
        notices.append(_notice(booking, recipient=mentor, other=booking.mentee, is_mentor=True, kind=kind, now=now))
    notifications_send_many(notices=notices, sms=True)
    return len(ids), len(bookings)


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


def _notice(booking, *, recipient: User, other: User, is_mentor: bool, kind: str, now: datetime) -> Notice:
    start = booking.slot.start
    lines = [f"{booking.topic or 'Session'} — {_local(start, recipient.timezone)}."]
    if booking.status == Booking.Status.REQUESTED:
        lines.append("Still waiting for your confirmation." if is_mentor
                     else "Still waiting for the mentor to confirm.")
    if booking.payment_status == Booking.PaymentStatus.PENDING and not is_mentor:
        deadline = _local(booking.payment_due_at, recipient.timezone)
        lines.append(f"Not paid yet: pay by {deadline} or the seat is released.")
    return Notice(user=recipient, kind=f"reminder.{kind}",
                  title=f"Reminder: session with {other.display_name} {_in_words(start - now)}",
                  body=" ".join(lines), link=reverse("bookings:detail", args=[booking.pk]),
                  key=f"reminder.{kind}:{booking.pk}:{start:%Y%m%dT%H%M}")
