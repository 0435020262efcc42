"""The reminders before each session: which bookings are due one, and what each side is told.

bookings decides (it locks the bookings, re-checks them and records a ``Reminder`` row, which makes each
reminder go out once) and writes what each side is told; notifications records and delivers the notices
(``notifications_send_many``: push, e-mail, SMS), from a worker. The beat task is
``bookings.tasks.send_reminders``, registered under its old name ``notifications.tasks.send_reminders``.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from accounts.models import User
from bookings.models import Booking
from mentorhub.i18n import speaking_to
from mentorhub.queue import enqueue_on_commit
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


def _still_due(*, kind: str, now: datetime, status, hold_expires_at, payment_status, payment_due_at,
               start) -> bool:
    """The rule of ``_due`` for one locked row (it may have been cancelled, paid or moved meanwhile)."""
    lead, until = REMINDER_WINDOWS[kind]
    if status not in Booking.LIVE or not (now + until < start <= now + lead):
        return False
    if status == Booking.Status.REQUESTED and hold_expires_at and hold_expires_at <= now:
        return False
    return not (payment_status == Booking.PaymentStatus.PENDING and payment_due_at and payment_due_at <= now)


def reminders_send_due(*, now: datetime, batch: int | None = None) -> int:
    """The beat sweep: record every reminder now due, ``batch`` bookings per transaction. Returns how many.

    One query lists the due bookings (their ids only); then each batch locks its bookings (skipping rows
    another sweep holds, so parallel sweeps share the work), checks them again and records their
    ``Reminder`` rows in one insert, under the unique key that makes each reminder exactly once; after
    commit one task per batch tells both sides (``reminder_notices_send``). Each batch's queries go by
    primary key, so a batch costs the same however many are due; the id list is the only thing that grows
    (about 4 MB for 100,000 due).
    """
    batch = batch or settings.SWEEP_BATCH_SIZE
    sent = 0
    for kind in REMINDER_WINDOWS:
        due = list(_due(kind, now).order_by("slot__start", "pk").values_list("pk", flat=True))
        for first in range(0, len(due), batch):
            sent += _remind_batch(kind=kind, now=now, ids=due[first:first + batch])
    return sent


@transaction.atomic
def _remind_batch(*, kind: str, now: datetime, ids: list[int]) -> int:
    from bookings.tasks import send_reminder_notices  # the task module imports this one

    rows = list(Booking.objects.select_for_update(of=("self",), skip_locked=True).filter(pk__in=ids).order_by("pk")
                .values_list("pk", "status", "hold_expires_at", "payment_status", "payment_due_at", "slot__start"))
    # A new statement, under the locks: a sweep that held one of these rows before us has committed its
    # Reminder by now (everyone who records one holds the booking's lock).
    sent = set(Reminder.objects.filter(booking_id__in=[row[0] for row in rows], kind=kind)
               .values_list("booking_id", "slot_start"))
    recorded = Reminder.objects.bulk_create(
        Reminder(booking_id=pk, kind=kind, slot_start=start, sent_at=now)
        for pk, status, hold_expires_at, payment_status, payment_due_at, start in rows
        if (pk, start) not in sent and _still_due(kind=kind, now=now, status=status, hold_expires_at=hold_expires_at,
                                                  payment_status=payment_status, payment_due_at=payment_due_at,
                                                  start=start))
    if recorded:
        enqueue_on_commit(send_reminder_notices, [reminder.pk for reminder in recorded])
    return len(recorded)


def reminder_notices_send(*, reminder_ids: list[int]) -> int:
    """Tell mentee and mentor about each recorded reminder: a notice each, pushed, mailed and texted.

    The worker's half of the sweep. Notices are keyed by the reminder, so run twice it tells each side
    once. A booking that ended or moved since its reminder was recorded is not reminded of the old time.
    Returns how many notices went out.
    """
    reminders = (Reminder.objects.filter(pk__in=reminder_ids).order_by("pk")
                 .select_related("booking__slot__mentor__user", "booking__mentee"))
    link = _link_maker()
    notices = []
    for reminder in reminders:
        booking, kind, now = reminder.booking, reminder.kind, reminder.sent_at
        if booking.status not in Booking.LIVE or booking.slot.start != reminder.slot_start:
            continue
        mentor, key = booking.slot.mentor.user, f"reminder:{reminder.pk}"
        notices.append(_notice(booking, recipient=booking.mentee, other=mentor, is_mentor=False, kind=kind,
                               now=now, link=link(booking.pk), key=key))
        notices.append(_notice(booking, recipient=mentor, other=booking.mentee, is_mentor=True, kind=kind,
                               now=now, link=link(booking.pk), key=key))
    return notifications_send_many(notices=notices, sms=True)


def _link_maker():
    """``reverse("bookings:detail")`` resolved once for a whole batch (thousands of reversals add up)."""
    placeholder = 987654321
    pattern = reverse("bookings:detail", args=[placeholder])
    return lambda pk: pattern.replace(str(placeholder), str(pk))


def _in_words(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 60:
        return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}
    hours = 1 if minutes < 90 else round(minutes / 60)
    return ngettext("in %(count)d hour", "in %(count)d hours", hours) % {"count": hours}


def _local(moment: datetime, zone_name: str) -> str:
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, zone_name = zoneinfo.ZoneInfo("UTC"), "UTC"
    # date_format, not strftime: month and weekday names in the active language ("Пн, 25 ноября").
    return f"{date_format(timezone.localtime(moment, timezone=zone), gettext('D d M Y, H:i'))} ({zone_name})"


def _notice(booking, *, recipient: User, other: User, is_mentor: bool, kind: str, now: datetime, link: str,
            key: str) -> Notice:
    """The reminder for ``recipient``, in their language (the sweep runs with no language of its own)."""
    with speaking_to(recipient):
        return _notice_text(booking, recipient=recipient, other=other, is_mentor=is_mentor, kind=kind, now=now,
                            link=link, key=key)


def _notice_text(booking, *, recipient: User, other: User, is_mentor: bool, kind: str, now: datetime, link: str,
                 key: str) -> Notice:
    start = booking.slot.start
    lines = [gettext("%(topic)s — %(when)s.") % {"topic": booking.topic or gettext("Session"),
                                                  "when": _local(start, recipient.timezone)}]
    if booking.status == Booking.Status.REQUESTED:
        lines.append(gettext("Still waiting for your confirmation.") if is_mentor
                     else gettext("Still waiting for the mentor to confirm."))
    if booking.payment_status == Booking.PaymentStatus.PENDING and not is_mentor:
        deadline = _local(booking.payment_due_at, recipient.timezone)
        lines.append(gettext("Not paid yet: pay by %(deadline)s or the seat is released.") % {"deadline": deadline})
    title = gettext("Reminder: session with %(name)s %(when)s") % {"name": other.display_name,
                                                                    "when": _in_words(start - now)}
    return Notice(user=recipient, kind=f"reminder.{kind}", title=title, body=" ".join(lines), link=link, key=key)
