"""Rate limits: anonymous 100/hour, users 1000/hour, premium users 5000/hour,
and a strict per-address limit on the endpoints that take passwords or tokens.

Rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on each
request (DRF's stock throttles freeze them at import), so they can be tuned
per deployment and in tests. Counters live in the default cache, which is
Redis when ``REDIS_URL`` is set, so every web process shares them.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _ConfiguredRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_ConfiguredRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AccountTierThrottle(_ConfiguredRateThrottle):
    """Authenticated users, at the rate of their tier (premium or not)."""

    scope = "user"

    def allow_request(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return True
        self.scope = "premium" if user.is_premium else "user"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class CredentialsThrottle(_ConfiguredRateThrottle):
    """Per client address on login/register/refresh, against password guessing."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CredentialsThrottleMixin:
    """For views that accept passwords or tokens: the stricter limit on top of the usual ones."""

    def get_throttles(self):
        return [*super().get_throttles(), CredentialsThrottle()]

    def get_authenticate_header(self, request):
        # These views authenticate nobody themselves, but a failed credential is
        # still a 401 (DRF would turn it into a 403 without this header).
        return 'Bearer realm="api"'
