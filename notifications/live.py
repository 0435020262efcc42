"""Live notifications: what the ``/ws/notifications`` sockets of a user are sent, after commit.

Every open socket of a user is in that user's group (mentorhub.realtime.user_group); on the Redis
channel layer the group spans every web process, so a notice created by a worker or another web
process reaches them all. The unread count is read when the message goes out, so two tabs marking
notices read at once both end on the true number.
"""

from django.db import transaction

from mentorhub.realtime import group_send, group_send_many, user_group
from notifications import selectors
from notifications.models import Notification


def notification_pushed_on_commit(*, notice: Notification) -> None:
    transaction.on_commit(lambda: push_notification(notice=notice), robust=True)


def unread_count_pushed_on_commit(*, user_id: int) -> None:
    transaction.on_commit(lambda: push_unread_count(user_id=user_id), robust=True)


def push_notification(*, notice: Notification) -> None:
    from notifications.api.serializers import NotificationOutput

    group_send(user_group(notice.user_id), {"type": "live.message", "message": {
        "type": "notification",
        "notification": dict(NotificationOutput(notice).data),
        "unread_count": selectors.unread_count(user=notice.user_id),
    }})


def push_notifications(*, notices: list[Notification]) -> None:
    """``push_notification`` for a batch: one COUNT query for all their users, one serializer, one loop entry."""
    from notifications.api.serializers import NotificationOutput

    counts = selectors.unread_counts(user_ids={notice.user_id for notice in notices})
    shown = NotificationOutput(notices, many=True).data
    group_send_many([(user_group(notice.user_id), {"type": "live.message", "message": {
        "type": "notification", "notification": dict(data), "unread_count": counts.get(notice.user_id, 0),
    }}) for notice, data in zip(notices, shown, strict=True)])


def push_unread_count(*, user_id: int) -> None:
    group_send(user_group(user_id), {"type": "live.message", "message": {
        "type": "unread_count", "unread_count": selectors.unread_count(user=user_id),
    }})
