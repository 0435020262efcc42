"""Reads of a user's notifications, scoped to that user by construction."""

from django.contrib.auth.base_user import AbstractBaseUser as User
from django.db.models import Count, QuerySet

from notifications.models import Notification


def notifications_for_user(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """Mine, newest first; ``unread`` True/False keeps only unread/read ones, None keeps all."""
    queryset = Notification.objects.filter(user=user)
    if unread is not None:
        queryset = queryset.filter(read_at__isnull=unread)
    return queryset.order_by("-created_at", "-id")


def unread_count(*, user: User | int) -> int:
    """One COUNT on the (user, read_at, -created_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_counts(*, user_ids: set[int]) -> dict[int, int]:
    """``unread_count`` of many users in one grouped COUNT; users with none are absent."""
    rows = (Notification.objects.filter(user__in=user_ids, read_at__isnull=True)
            .values_list("user").annotate(unread=Count("id")).order_by())
    return dict(rows)
