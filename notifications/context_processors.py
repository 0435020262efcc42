from django.conf import settings
from django.utils.functional import SimpleLazyObject

from notifications import selectors


def unread_count(request) -> dict:
    """``unread_notifications`` for the bell: one COUNT, run only if a template uses it; none for anonymous users.

    ``live_notifications``: whether the bell keeps itself current over /ws/notifications
    (static/js/live-notifications.js).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0, "live_notifications": False}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user=user)),
            "live_notifications": settings.LIVE_NOTIFICATIONS}
