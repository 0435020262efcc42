from celery import shared_task
from django.utils import timezone

from notifications import services


@shared_task(acks_late=True)
def send_reminders() -> int:
    """Beat sweep (every few minutes): the 24h and 1h reminders now due. Safe to run twice or in parallel."""
    return services.reminders_send_due(now=timezone.now())
