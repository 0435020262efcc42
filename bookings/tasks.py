from celery import shared_task
from django.utils import timezone

from bookings import notify, reminders, services
from bookings.models import Booking


@shared_task(acks_late=True)
def notify_booking_changed(booking_id: int, from_status: str, to_status: str, event_id: int | None = None) -> bool:
    """Tell both sides about a change. Skips a booking that has since moved on (a later notice covers it);
    run twice, tells each side once (notices keyed by the change's audit event)."""
    booking = Booking.objects.select_related("slot__mentor__user", "mentee").filter(pk=booking_id).first()
    if booking is None or booking.status != to_status:
        return False
    notify.booking_changed(booking, from_status, to_status, event_id=event_id)
    return True


@shared_task(acks_late=True)
def notify_bookings_changed(changes: list) -> int:
    """``notify_booking_changed`` for each (booking id, from, to, event id) of a sweep's batch; safe to run twice."""
    return sum(notify_booking_changed(*change) for change in changes)


@shared_task(acks_late=True)
def expire_overdue_holds() -> int:
    """Beat sweep: correctness never waits for it (seat takers expire holds lazily); it catches up and notifies."""
    return services.booking_expire_overdue()


@shared_task(acks_late=True)
def cancel_unpaid_bookings() -> int:
    """Beat sweep: priced bookings still unpaid at their deadline give their seat back."""
    return services.booking_cancel_unpaid()


# Registered under its old name: the beat schedule and the workers' queues know it by that name
# (the sweep moved from notifications, a leaf, to bookings, which owns the decision).
@shared_task(acks_late=True, name="notifications.tasks.send_reminders")
def send_reminders() -> int:
    """Beat sweep (every few minutes): the 24h and 1h reminders now due. Safe to run twice or in parallel."""
    return reminders.reminders_send_due(now=timezone.now())


@shared_task(acks_late=True)
def send_reminder_notices(reminder_ids: list[int]) -> int:
    """The reminder sweep's delivery, one task per batch: both sides of each reminder; safe to run twice."""
    return reminders.reminder_notices_send(reminder_ids=reminder_ids)
