from django import template

from bookings.calendar import google_calendar_url as _google_calendar_url

register = template.Library()


@register.simple_tag(takes_context=True)
def google_calendar_url(context, booking) -> str:
    """``{% google_calendar_url booking %}``: titled from the viewing user's side."""
    user = getattr(context.get("request"), "user", None)
    return _google_calendar_url(booking, viewer=user if user is not None and user.is_authenticated else None)
