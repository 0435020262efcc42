from celery import shared_task
from django.utils import timezone

from messaging import services


@shared_task(acks_late=True)
def send_message_digests() -> int:
    """Beat sweep (every minute): the e-mail digests of unread messages now owed. Safe to run twice or in parallel."""
    return services.message_digests_send(now=timezone.now())
