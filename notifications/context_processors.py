from django.utils.functional import SimpleLazyObject

from notifications import selectors


def unread_count(request) -> dict:
    """``unread_notifications`` for the bell: one COUNT, run only if a template uses it; none for anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user=user))}
