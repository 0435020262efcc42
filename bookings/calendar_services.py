"""Calendar use cases that write: the secret feed token."""

from django.db import transaction

from accounts.models import User, new_calendar_token


@transaction.atomic
def user_calendar_token_regenerate(*, user: User) -> User:
    """Replace the user's secret feed token: the old feed URL stops working at once."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.calendar_token = new_calendar_token()
    locked.save(update_fields=["calendar_token", "updated_at"])
    user.calendar_token = locked.calendar_token  # the caller's copy (often request.user) sees the new URL
    return locked
