"""Notification use cases: send a notice, mark notices read, and the reminders before each session."""

import logging
import zoneinfo
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentorhub.errors import NotFound
from notifications import live
from notifications.emails import render_notice, send_after_commit, subject_line
from notifications.models import Notification, Reminder
from notifications.sms import send_sms

logger = logging.getLogger(__name__)


@transaction.atomic
def notification_send(*, user: User, kind: str, title: str, body: str = "", link: str = "",
                      email: bool = True, key: str = "") -> Notification | None:
    """Record an in-app notice; after commit, push it to the user's open sockets and mail the same text.

    With a ``key`` (what the notice announces), a second call with the same key for the same user does
    nothing and returns None: a task that runs again after a crash tells nobody twice.
    """
    try:
        with transaction.atomic():  # a savepoint: losing the race must not spoil the caller's transaction
            notice = Notification.objects.create(user=user, kind=kind, title=title, body=body, link=link, key=key)
    except IntegrityError:
        if not key:
            raise
        return None
    live.notification_pushed_on_commit(notice=notice)
    if email and user.email:
        text, html = render_notice(user=user, title=title, body=body, link=link)
        message = EmailMultiAlternatives(subject_line(title), text, None, [user.email])
        message.attach_alternative(html, "text/html")
        send_after_commit(message)
    return notice


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int, now: datetime | None = None) -> Notification:
    """Mark one of my notices read. Someone else's is not found; reading twice keeps the first time."""
    notice = Notification.objects.select_for_update().filter(pk=notification_id, user=user).first()
    if notice is None:
        raise NotFound("No such notification.")
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        notice.save(update_fields=["read_at"])
        live.unread_count_pushed_on_commit(user_id=user.pk)  # the user's other tabs update their bell
    return notice


@transaction.atomic
def notification_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notice of mine read; returns how many changed."""
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
    if marked:
        live.unread_count_pushed_on_commit(user_id=user.pk)
    return marked


@transaction.atomic
def notifications_mark_read_for(*, user: User, kind: str, link: str, now: datetime | None = None) -> int:
    """Mark read my unread notices of ``kind`` that point at ``link`` (the thing they announce has been seen)."""
    marked = (Notification.objects.filter(user=user, kind=kind, link=link, read_at__isnull=True)
              .update(read_at=now or timezone.now()))
    if marked:
        live.unread_count_pushed_on_commit(user_id=user.pk)
    return marked


# --- Reminders ---------------------------------------------------------------------------------
# kind -> (sent once the start is at most this far away, but only while it is further away than this).
# A reminder whose moment was missed by more than that is never sent late: 30 minutes before the
# start only the 1h reminder goes out, not the 24h one.
REMINDER_WINDOWS = {
    Reminder.Kind.DAY_BEFORE: (timedelta(hours=24), timedelta(hours=1)),
    Reminder.Kind.HOUR_BEFORE: (timedelta(hours=1), timedelta(0)),
}


def _due(kind: str, now: datetime):
    from bookings.models import Booking

    lead, until = REMINDER_WINDOWS[kind]
    already = Reminder.objects.filter(booking=OuterRef("pk"), kind=kind, slot_start=OuterRef("slot__start"))
    return (Booking.objects.filter(status__in=Booking.LIVE, slot__start__gt=now + until, slot__start__lte=now + lead)
            .exclude(Q(status=Booking.Status.REQUESTED) & Q(hold_expires_at__lte=now))
            # Unpaid past their payment deadline: about to be cancelled, not reminded.
            .exclude(Q(payment_status=Booking.PaymentStatus.PENDING) & Q(payment_due_at__lte=now))
            .exclude(Exists(already)))


def _still_due(booking, *, kind: str, now: datetime) -> bool:
    """The same rule as ``_due``, re-checked on the locked row (it may have been cancelled or moved meanwhile)."""
    from bookings.models import Booking

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
    from bookings.services import lock_booking

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
    from bookings.models import Booking

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
