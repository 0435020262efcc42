"""The notifications app's own task: delivering a batch of recorded notices from a worker."""

from celery import shared_task

from notifications.services import notifications_deliver


@shared_task(acks_late=True)
def deliver_notifications(notice_ids: list[int], sms: bool = False) -> int:
    """Push, mail and text the batch's notices not delivered yet; run twice, each goes out once."""
    return notifications_deliver(notice_ids=notice_ids, sms=sms)
