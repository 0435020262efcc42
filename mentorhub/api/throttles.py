"""Rate limits: anonymous 100/hour, users 1000/hour, premium users 5000/hour,
and a strict per-address limit on the endpoints that take passwords or tokens.

Fixed-window counters: one atomic INCR per request in the shared cache (Redis
when ``REDIS_URL`` is set: a server-side script, INCR then EXPIRE on the first
count, one round trip; a catalogue view counts in the round trip of its page
read, see ``CountedWithFirstRead``), so every web process counts together and
the cost does not grow with the rate. Once a window is past its limit, the process refuses
the rest of that window's requests itself (``past_limit``), with no round trip.
(DRF's stock throttles keep a list of every request time in the window and
rewrite it on each request: slow at premium rates, and racy across processes.)
While Redis is down they count per process at
the same rates (``mentorhub.cache.count_in_window``): degraded, never off. Rates are read from
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on each request, so deployments
and tests can tune them.
"""

import threading
import time
from typing import NamedTuple

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from mentorhub.addresses import client_ip
from mentorhub.cache import count_in_window, count_in_windows_and_get_many

_parse_rate = SimpleRateThrottle.parse_rate


class Window(NamedTuple):
    key: str
    limit: int
    timeout: float


class _PastLimit:
    """The windows this process has seen go past their limit, until each ends.

    A fixed window's count only grows until the window ends, so once a count is over the limit every
    later request in that window is refused as well. The process answers those itself, with no Redis
    round trip: a client flooding past its limit costs a dictionary lookup per request, not a trip to
    the shared counters. Other processes still count the request that went past, so they refuse too.
    Kept per (key, limit), so a limit raised mid-window is honoured at once. If the shared counter is
    deleted mid-window (an operator resetting a client), this process keeps refusing until the window ends.
    """

    CAP = 10_000  # windows remembered at once; past it, ended ones are dropped, and then nothing is added

    def __init__(self):
        self._until: dict[Window, float] = {}
        self._lock = threading.Lock()

    def __contains__(self, window: Window) -> bool:
        return window in self._until

    def add(self, window: Window, *, ends_in: float) -> None:
        with self._lock:
            if len(self._until) >= self.CAP:
                now = time.time()
                self._until = {known: until for known, until in self._until.items() if until > now}
                if len(self._until) >= self.CAP:
                    return  # still refused, by the shared counter, one round trip at a time
            self._until[window] = time.time() + ends_in

    def clear(self) -> None:
        with self._lock:
            self._until.clear()


past_limit = _PastLimit()


class _WindowThrottle(BaseThrottle):
    scope: str = ""

    def scope_for(self, request) -> str | None:
        """The rate scope that applies, or None when this throttle does not apply."""
        return self.scope

    def get_ident(self, request) -> str:
        # DRF's own rule would read X-Forwarded-For whatever NUM_PROXIES says; one rule for the whole app.
        return client_ip(request)

    def ident_for(self, request) -> str:
        return self.get_ident(request)

    def window(self, request) -> Window | None:
        """The counter this request adds to and its limit, or None when no limit applies (sets ``wait()``)."""
        scope = self.scope_for(request)
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope) if scope else None
        if not rate:
            return None
        limit, duration = _parse_rate(None, rate)
        now = time.time()
        window = int(now // duration)
        self.retry_after = duration - (now - window * duration)
        return Window(f"throttle:{scope}:{self.ident_for(request)}:{window}", limit, duration + 1)

    def allow_request(self, request, view):
        window = self.window(request)
        if window is None:
            return True
        if window in past_limit:
            return False
        return self.admits(window, count_in_window(window.key, timeout=window.timeout))

    def admits(self, window: Window, count: int) -> bool:
        """Whether ``count`` (this request's, in ``window``) is within the limit; remembers a window past it."""
        if count <= window.limit:
            return True
        past_limit.add(window, ends_in=self.retry_after)
        return False

    def wait(self):
        return self.retry_after


class AnonymousThrottle(_WindowThrottle):
    def scope_for(self, request):
        return None if request.user and request.user.is_authenticated else "anon"


class AccountTierThrottle(_WindowThrottle):
    """Authenticated users, at the rate of their tier (premium or not)."""

    def scope_for(self, request):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        return "premium" if user.is_premium else "user"

    def ident_for(self, request):
        return str(request.user.pk)


class CredentialsThrottle(_WindowThrottle):
    """Per client address on login/register/refresh, against password guessing."""

    scope = "auth"


class CredentialsThrottleMixin:
    """For views that accept passwords or tokens: the stricter limit on top of the usual ones."""

    def get_throttles(self):
        return [*super().get_throttles(), CredentialsThrottle()]

    def get_authenticate_header(self, request):
        # These views authenticate nobody themselves, but a failed credential is
        # still a 401 (DRF would turn it into a 403 without this header).
        return 'Bearer realm="api"'


class CountedWithFirstRead:
    """For a view whose answer starts with a read of the shared cache: its rate limits are counted in the
    same round trip as that read.

    DRF counts a request's limits in ``initial()`` (a Redis round trip), and a cached catalogue page is
    then a second trip. Here ``check_throttles``, still in ``initial()`` and with DRF's refusal (429 and
    Retry-After), sends both together when ``first_cache_read(request)`` names the keys the handler will
    read; the handler finds the values in ``self.first_read``. Measured in one process: a cached search
    989 → 775 µs of CPU, a cached profile 942 → 770 µs (README, Performance).
    """

    first_read: dict | None = None

    def first_cache_read(self, request) -> list[str] | None:
        """The cache keys this request's handler reads first, or None to count the limits on their own."""
        return None

    def check_throttles(self, request):
        keys = self.first_cache_read(request)
        throttles = self.get_throttles()
        if keys is None or not all(isinstance(throttle, _WindowThrottle) for throttle in throttles):
            super().check_throttles(request)
            return
        windows = [(throttle, window) for throttle in throttles if (window := throttle.window(request))]
        if any(window in past_limit for _, window in windows):  # refused without a trip: no page to read
            super().check_throttles(request)
            return
        counts, self.first_read = count_in_windows_and_get_many(
            [(window.key, window.timeout) for _, window in windows], keys)
        waits = [throttle.wait() for (throttle, window), count in zip(windows, counts, strict=True)
                 if not throttle.admits(window, count)]
        if waits:
            self.throttled(request, max(waits))
