import zoneinfo
from urllib.parse import unquote

from django.utils import timezone, translation

# The browser's zone, written by static/js/timezone.js on a visitor's first page.
TIMEZONE_COOKIE = "tz"


def browser_zone_name(request) -> str:
    """The zone the visitor's browser reported (an IANA name, unchecked), or ""."""
    return unquote(request.COOKIES.get(TIMEZONE_COOKIE, ""))[:64]


class UserTimezoneMiddleware:
    """Show times in the viewer's zone: their profile's, else the browser's (``tz`` cookie), else UTC.

    ``request.timezone_from_browser`` says the page follows the browser: base.html then lets the
    zone script reload a first visit once it has told the server the browser's zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        name = user.timezone if signed_in else browser_zone_name(request)
        request.timezone_from_browser = not signed_in
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """A signed-in user's profile language wins over the cookie and the browser's (set by LocaleMiddleware).

    API calls signed with a token are anonymous here (DRF authenticates in the view), so they follow
    ``Accept-Language``, as an API client expects.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
