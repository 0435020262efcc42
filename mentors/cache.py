"""Shared caching of the public catalogue (mentor search and mentor detail).

Correctness comes from a version number, not from expiry: every change to
anything a card or a profile shows bumps the catalogue version after its
transaction commits, and every entry records the version it was built under
and is served only under that version, so a changed mentor is never served
from an old entry. Pages also go out of date with the clock (minimum notice,
times passing), so each entry carries the minute it was built in and is
rebuilt in the next minute; at that rollover one request rebuilds while the
others get the previous minute's page, instead of every concurrent request
rebuilding the same page at once. Entries are the rendered JSON bytes, served
as they are; the version and a page's entry are read in one round trip, so a
hit costs one cache read. The ETag is derived from the page and its minute
alone, so a revalidation (If-None-Match) renders and sends nothing.
"""

import hashlib
import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

VERSION_KEY = "mentors:catalog:version"
# The last good page of each page identity lives this long: a page requested at least once a minute is
# always there to serve while its next minute is rebuilt.
ENTRY_SECONDS = 180
LOCK_SECONDS = 5  # a rebuild takes tens of ms; a winner that died stops others rebuilding this long at most
WAIT_SECONDS = 0.2  # with nothing to serve, how long the others wait for the winner before building themselves
POLL_SECONDS = 0.02


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never restart at a small number: entries of an earlier life of the counter may still exist.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted or never set: restart from a number no earlier version can have had
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def invalidate_catalog() -> None:
    """Call when anything the public catalogue shows changes.

    Bumps now, and again once the transaction commits: a reader between the
    two could cache the old rows under the first new version, and the second
    bump retires that entry. (A rollback just costs one needless miss.)
    """
    _bump()
    transaction.on_commit(_bump)


def first_read_keys(request, *, scope: str, zone: str) -> list[str]:
    """The keys ``cached_json`` reads first for this page: a view can read them ahead (``found=``)."""
    return [VERSION_KEY, _entry_key(_slot(request, scope=scope, zone=zone))]


def cached_json(request, *, scope: str, zone: str, build, found: dict | None = None) -> HttpResponse:
    """Serve ``build()`` (JSON-able data) through the shared cache, with an ETag and 304s.

    A hit is one cache round trip: the catalogue version and the page's entry are read together, and
    the entry counts only if it was built under that version. One request rebuilds a page whose minute
    has rolled over; the others are served the page of the previous minute meanwhile (see ``_page_body``).
    ``found`` is what a caller already read of ``first_read_keys`` (with its rate limits, in the same trip).
    """
    minute = int(timezone.now().timestamp() // 60)
    slot = _slot(request, scope=scope, zone=zone)
    key = _entry_key(slot)
    if found is None:
        found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = catalog_version()
    page = f"{version}:{slot}"
    headers = {"Cache-Control": "private, no-cache", "Vary": "Accept-Language, Authorization, Cookie"}
    if _etag(page, minute) in request.headers.get("If-None-Match", ""):
        return HttpResponse(status=304, headers={**headers, "ETag": _etag(page, minute)})
    served_minute, body = _page_body(page, minute, build, entry=_of_version(found.get(key), version))
    headers["ETag"] = _etag(page, served_minute)  # a previous minute's page keeps that minute's ETag
    if served_minute != minute and headers["ETag"] in request.headers.get("If-None-Match", ""):
        return HttpResponse(status=304, headers=headers)
    return HttpResponse(body, content_type="application/json", headers=headers)


def _slot(request, *, scope: str, zone: str) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, values in request.query_params.lists() for v in values))
    # The language too: display fields (a service's session_type_display) are in the reader's language.
    return f"{zone}:{translation.get_language()}:{scope}:{query}"


def page_identity(request, *, scope: str, zone: str) -> str:
    """What makes two requests the same page: catalogue version, zone, scope and query (not the minute)."""
    return f"{catalog_version()}:{_slot(request, scope=scope, zone=zone)}"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()  # raw query text is no safe cache key


def _entry_key(slot: str) -> str:
    # One entry per page whatever the version, holding the version it was built under (see _of_version),
    # so the version and the entry can be read in one round trip.
    return f"mentors:catalog:page:{_digest(slot)}"


def page_keys(page: str) -> tuple[str, str]:
    """The cache keys of a page's entry and of its rebuild lock (the lock is per catalogue version)."""
    return _entry_key(page.split(":", 1)[1]), f"mentors:catalog:lock:{_digest(page)}"


def _of_version(entry, version: int) -> tuple[int, bytes] | None:
    """The entry's (minute, rendered JSON) if it was built under ``version``, else None."""
    if entry is None or entry[0] != version:
        return None
    return entry[1], entry[2]


def take_rebuild_lock(lock: str) -> str | None:
    """The token of the lock if this caller won it (atomic in locmem and Redis), else None.

    It expires by itself, so a request that died while rebuilding holds the others up for a while only.
    """
    token = uuid.uuid4().hex
    return token if cache.add(lock, token, timeout=LOCK_SECONDS) else None


def _etag(page: str, minute: int) -> str:
    return '"' + hashlib.blake2b(f"{page}:{minute}".encode(), digest_size=16).hexdigest() + '"'


def _page_body(page: str, minute: int, build, *, entry: tuple[int, bytes] | None) -> tuple[int, bytes]:
    """The page's (minute, rendered JSON): this minute's, or the previous one's while another request rebuilds.

    ``entry`` is what the cache held for the page, already read with the version. One entry per page
    holds the last good page with the version and minute it was built in. A page of an older version
    is never served, not even as stale: a version bump means somebody just wrote (booked a slot,
    changed a price), and serving them the catalogue from before their write would contradict it.
    Only the minute rollover, where nothing was written and only the clock moved (minimum notice,
    times passing), is served stale, for as long as one rebuild takes.

    Whoever wins an atomic ``cache.add`` of the page's lock rebuilds; with no page at all yet (a cold
    start or just after a bump) the others poll for the winner's result for up to ``WAIT_SECONDS``
    and then build it themselves: nobody blocks for long, and a winner that died (its lock expires
    after ``LOCK_SECONDS``) holds nobody up for more than that.
    """
    if entry is not None and entry[0] >= minute:  # (a later minute: another process's clock is a bit ahead)
        return entry
    version = int(page.split(":", 1)[0])
    key, lock = page_keys(page)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        token = take_rebuild_lock(lock)
        if token:
            try:
                return _rebuild(key, version, minute, build)
            finally:
                if cache.get(lock) == token:  # not a later winner's lock, if ours expired meanwhile
                    cache.delete(lock)
        if entry is not None:
            return entry  # the previous minute's page, while the winner rebuilds
        if time.monotonic() >= deadline:
            return _rebuild(key, version, minute, build)  # the last resort: better a duplicate build than a long wait
        time.sleep(POLL_SECONDS)
        entry = _of_version(cache.get(key), version)
        if entry is not None and entry[0] >= minute:
            return entry
        entry = None  # only the page a winner stored this minute ends the wait


def _rebuild(key: str, version: int, minute: int, build) -> tuple[int, bytes]:
    body = JSONRenderer().render(build())
    cache.set(key, (version, minute, body), ENTRY_SECONDS)
    return minute, body
