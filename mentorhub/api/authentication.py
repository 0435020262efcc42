"""JWT authentication that also shows times in the user's zone.

The page middleware activates the user's time zone, but API users are only
known once DRF authenticates the token, after every middleware has run; this
is the one place that learns who they are. The middleware deactivates the
zone when the request ends.
"""

import zoneinfo

from django.utils import timezone
from rest_framework_simplejwt.authentication import JWTAuthentication as SimpleJWTAuthentication


class JWTAuthentication(SimpleJWTAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            try:
                timezone.activate(zoneinfo.ZoneInfo(result[0].timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        return result
