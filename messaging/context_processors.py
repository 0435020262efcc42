from django.utils.functional import SimpleLazyObject

from messaging import selectors


def unread_messages(request) -> dict:
    """``unread_messages`` for the navigation: one COUNT, run only if a template uses it; none when signed out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_messages": 0}
    return {"unread_messages": SimpleLazyObject(lambda: selectors.unread_messages_count(user=user))}
