"""Django's Redis cache, minus a per-operation cost.

The stock client builds a new ``redis.Redis`` object on every cache call (a
connection pool is kept; the client wrapper is not), which costs more than the
network round trip on hot paths such as rate limiting. This keeps one client
per pool. ``redis.Redis`` objects are thread-safe over their pool.
"""

import hashlib
import logging
import math
import os
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


# --- Redis outages degrade, they do not take requests down (issue 15) ---------------------------------
#
# PostgreSQL is the source of truth; Redis holds only what can be recomputed (cached pages, counters).
# ``SoftRedisCache`` answers a connection failure as a miss or a no-op, so a request goes on without the
# cache, and logs one warning per interval per process instead of one per request. ``incr`` is the
# exception: a counter that silently restarted at 1 would switch rate limits off, so it raises
# ``CacheUnavailable`` and ``count_in_window`` counts in this process instead.

logger = logging.getLogger("mentorhub.cache")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
WARN_INTERVAL = 60.0  # seconds between two warnings of one process about the same outage


def no_retry():
    """For the client's ``retry`` option: redis-py retries a failed call three times with backoff by
    default, seconds per call while Redis is down; the soft layer answers instead."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Retry(NoBackoff(), 0)


class CacheUnavailable(ValueError):
    """The cache could not be reached. A ValueError so code that restarts a missing counter goes on."""


class Warner:
    """Logs ``message`` at most once per ``WARN_INTERVAL``: one line per outage per process, not per request."""

    def __init__(self, message: str, log: logging.Logger = logger):
        self.message = message
        self.log = log
        self._last = None
        self._lock = threading.Lock()

    def __call__(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last < WARN_INTERVAL:
                return
            self._last = now
        self.log.warning(self.message, exc)


warn_cache_down = Warner("Redis cache unreachable, going on without it (%s)")
warn_counting_locally = Warner("Redis unreachable, rate limits count per process (%s)")


# Keys whose values are limits rather than copies: allauth's login, signup and password-reset limits
# (``allauth:rl:<action>:...``) keep their history lists in the cache, so an empty cache would switch
# them off. While Redis is down these keys live in this process's memory instead.
LOCAL_FALLBACK_PREFIXES = ("allauth:rl:",)
local_fallback = LocMemCache("mentorhub-outage-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


_WINDOW_SCRIPT = ("local count = redis.call('INCR', KEYS[1]) "
                  "if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return count")
_WINDOW_SHA = hashlib.sha1(_WINDOW_SCRIPT.encode()).hexdigest()  # noqa: S324  (Redis names scripts by SHA-1)


class SoftRedisCache(ReusingRedisCache):
    """``ReusingRedisCache`` that treats an unreachable Redis as an empty cache.

    ``add`` answers True ("stored, you go first"): a caller that uses it as a lock computes the value
    itself, which is what bypassing the cache means. ``incr`` raises ``CacheUnavailable`` (see above).
    Keys under ``LOCAL_FALLBACK_PREFIXES`` are kept per process meanwhile, like ``count_in_window``'s.
    """

    def _soft(self, name, default, key, *args, **kwargs):
        try:
            return getattr(super(), name)(key, *args, **kwargs)
        except OUTAGE_ERRORS as exc:
            if isinstance(key, str) and key.startswith(LOCAL_FALLBACK_PREFIXES):
                warn_counting_locally(exc)
                return getattr(local_fallback, name)(key, *args, **kwargs)
            warn_cache_down(exc)
            return default

    def get(self, key, default=None, version=None):
        return self._soft("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, key, version)

    def add(self, key, value, timeout=None, version=None):
        return self._soft("add", True, key, value, timeout if timeout is not None else self.default_timeout,
                          version)

    def set(self, key, value, timeout=None, version=None):
        return self._soft("set", None, key, value, timeout if timeout is not None else self.default_timeout,
                          version)

    def set_many(self, data, timeout=None, version=None):
        return self._soft("set_many", [], data, timeout if timeout is not None else self.default_timeout,
                          version)

    def touch(self, key, timeout=None, version=None):
        return self._soft("touch", False, key, timeout if timeout is not None else self.default_timeout,
                          version)

    def delete(self, key, version=None):
        return self._soft("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, keys, version)

    def _exchange(self, commands: list[tuple]) -> list:
        """Send ``commands`` to the primary in one write on this thread's own connection; their replies, in
        order. A reply that is an error (``NOSCRIPT``) comes back as that exception, not raised.

        The hot path of every API request (the rate limit's count, and a catalogue hit's page read), so it
        skips what ``redis.Redis`` adds around the round trip: the pool, which checks a connection for
        unread data (a system call) each time it lends one, the retry wrapper, and a pipeline's objects.
        Measured (CPU per call, one process): a count 50-85 µs through ``redis.Redis``, 20-45 µs here; a
        count with a page read 90-130 µs through a pipeline, 30-40 µs here. Same connection settings as
        the pool's (timeouts included). A connection the server closed since its last use (Redis
        restarted, an idle timeout) is opened again and the commands sent once more; at worst a count
        lands twice, which refuses sooner, never later. Any other failure closes the connection, so no
        reply is ever left unread for the next call.
        """
        own = self._own
        if getattr(own, "pid", None) != os.getpid():  # first use on this thread, or a forked process
            pool = self._cache.get_client(write=True).connection_pool
            own.connection, own.used, own.pid = pool.connection_class(**pool.connection_kwargs), False, os.getpid()
        connection = own.connection
        while True:
            reused, own.used = own.used, True
            try:
                connection.send_packed_command(connection.pack_commands(commands), check_health=False)
                replies = []
                for _ in commands:
                    try:
                        replies.append(connection.read_response())
                    except ResponseError as error:  # a reply like any other: the connection is in step
                        replies.append(error)
                return replies
            except RedisConnectionError:
                connection.disconnect()
                own.used = False
                if not reused:
                    raise
            except BaseException:
                connection.disconnect()
                own.used = False
                raise

    @cached_property
    def _own(self) -> threading.local:
        return threading.local()

    def _counted(self, made_and_seconds: list[tuple[str, int]], replies: list) -> list[int]:
        """The counts of ``_exchange``'s EVALSHA replies, running the script by its text where Redis lost it."""
        counts = []
        for (made, seconds), reply in zip(made_and_seconds, replies, strict=True):
            if isinstance(reply, NoScriptError):  # a fresh or flushed Redis: nothing was counted; EVAL loads it
                (reply,) = self._exchange([("EVAL", _WINDOW_SCRIPT, 1, made, seconds)])
            if isinstance(reply, Exception):
                raise reply
            counts.append(reply)
        return counts

    def count_in_window(self, key: str, *, timeout: float) -> int:
        """Add one to the window's counter (made with its expiry on the first count) and return it.

        One command, one round trip: a server-side script, INCR then EXPIRE on the first count, atomic
        there. Django's ``incr`` costs two round trips (EXISTS, then INCRBY) and ``add`` a third; a
        SET NX EX + INCR pipeline costs one trip but two commands. Every API request counts here, on the
        thread's own connection (``_exchange``).
        """
        counted = [(self.make_and_validate_key(key), max(1, math.ceil(timeout)))]
        try:
            return self._counted(counted, self._exchange([("EVALSHA", _WINDOW_SHA, 1, *counted[0])]))[0]
        except OUTAGE_ERRORS as exc:
            warn_cache_down(exc)
            raise CacheUnavailable(str(exc)) from exc

    def count_in_windows_and_get_many(
        self, windows: list[tuple[str, float]], keys: list[str],
    ) -> tuple[list[int], dict]:
        """``count_in_window`` for each of ``windows`` and ``get_many(keys)``, together in one round trip.

        Raises ``CacheUnavailable`` while Redis is unreachable: the counts go nowhere, nothing is read.
        """
        counted = [(self.make_and_validate_key(key), max(1, math.ceil(timeout))) for key, timeout in windows]
        read = {self.make_and_validate_key(key): key for key in keys}
        commands = [("EVALSHA", _WINDOW_SHA, 1, made, seconds) for made, seconds in counted]
        if read:
            commands.append(("MGET", *read))
        if not commands:
            return [], {}
        try:
            replies = self._exchange(commands)
            values = replies.pop() if read else []
            counts = self._counted(counted, replies)
            if isinstance(values, Exception):
                raise values
        except OUTAGE_ERRORS as exc:
            warn_cache_down(exc)
            raise CacheUnavailable(str(exc)) from exc
        loads = self._cache._serializer.loads
        return counts, {read[made]: loads(value) for made, value in zip(read, values, strict=True) if value is not None}

    def add_to_counters(self, counts: dict[str, int], *, timeout: float) -> None:
        """Add each count to its counter (``INCRBY``), which then lives ``timeout`` seconds: one round trip.

        Raises ``CacheUnavailable`` while Redis is unreachable; nothing is known to have been added then.
        """
        seconds = max(1, math.ceil(timeout))
        try:
            with self._cache.get_client(write=True).pipeline(transaction=False) as pipe:
                for key, count in counts.items():
                    made = self.make_and_validate_key(key)
                    pipe.incrby(made, count)
                    pipe.expire(made, seconds)
                pipe.execute()
        except OUTAGE_ERRORS as exc:
            warn_cache_down(exc)
            raise CacheUnavailable(str(exc)) from exc

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE_ERRORS as exc:
            warn_cache_down(exc)
            raise CacheUnavailable(str(exc)) from exc


class _LocalWindows:
    """Fixed-window counters in this process: the fallback while the shared counters are unreachable."""

    def __init__(self):
        self._counts: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, timeout: float) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 10_000:  # drop ended windows so a long outage cannot grow this forever
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
            expires, count = self._counts.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + timeout, 0
            self._counts[key] = (expires, count + 1)
            return count + 1

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_windows = _LocalWindows()


def count_in_window(key: str, *, timeout: float) -> int:
    """Add one to the fixed-window counter ``key`` (the caller puts the window in it) and return it.

    Shared by every process through the cache; while Redis is down, counted per process at the same
    rate, so a limit still holds (per process) instead of vanishing.
    """
    from django.core.cache import caches

    cache = caches["default"]  # the backend itself, not django.core.cache.cache's proxy, for isinstance
    try:
        if isinstance(cache, SoftRedisCache):
            return cache.count_in_window(key, timeout=timeout)
        try:
            return cache.incr(key)
        except CacheUnavailable:
            raise
        except ValueError:  # first count of the window (or the key was evicted)
            return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)
    except CacheUnavailable as exc:
        warn_counting_locally(exc)
        return local_windows.incr(key, timeout)
    except OUTAGE_ERRORS as exc:  # a cache without the soft layer
        warn_counting_locally(exc)
        return local_windows.incr(key, timeout)


def count_in_windows_and_get_many(windows: list[tuple[str, float]], keys: list[str]) -> tuple[list[int], dict]:
    """``count_in_window(key, timeout=timeout)`` for each of ``windows``, and ``cache.get_many(keys)``.

    On Redis both go in one pipeline, one round trip: a view whose answer starts with a cache read (the
    catalogue) counts its rate limits in it (``mentorhub.api.throttles.CountedWithFirstRead``). While Redis
    is down the counts fall back to this process, as ``count_in_window``'s do, and nothing is found.
    """
    from django.core.cache import caches

    cache = caches["default"]
    if isinstance(cache, SoftRedisCache):
        try:
            return cache.count_in_windows_and_get_many(windows, keys)
        except CacheUnavailable as exc:
            warn_counting_locally(exc)
            return [local_windows.incr(key, timeout) for key, timeout in windows], {}
    return [count_in_window(key, timeout=timeout) for key, timeout in windows], cache.get_many(keys)


def add_to_counters(counts: dict[str, int], *, timeout: float) -> None:
    """Add each of ``counts`` to its counter in the shared cache, made with ``timeout`` if new.

    On Redis one round trip (``SoftRedisCache.add_to_counters``); raises ``CacheUnavailable`` while it is
    unreachable, so the caller can keep the counts for a later try.
    """
    from django.core.cache import caches

    cache = caches["default"]
    if isinstance(cache, SoftRedisCache):
        cache.add_to_counters(counts, timeout=timeout)
        return
    for key, count in counts.items():  # a cache of this process alone (tests, a single-process demo)
        if not cache.add(key, count, timeout=timeout):
            cache.incr(key, count)
