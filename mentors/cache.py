"""Shared caching of the public catalogue (mentor search and mentor detail).

Correctness comes from a version number, not from expiry: every change to
anything a card or a profile shows bumps the catalogue version after its
transaction commits, and the version is part of every key, so a changed
mentor is never served from an old entry. The current minute is in the key
too, because bookable times depend on the clock (minimum notice, times
passing). Entries are the rendered JSON bytes; the ETag is derived from the
key alone, so a revalidation (If-None-Match) costs one cache read.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

VERSION_KEY = "mentors:catalog:version"
ENTRY_SECONDS = 90


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


def cached_json(request, *, scope: str, zone: str, build) -> HttpResponse:
    """Serve ``build()`` (JSON-able data) through the shared cache, with an ETag and 304s."""
    minute = int(timezone.now().timestamp() // 60)
    query = "&".join(sorted(f"{k}={v}" for k, values in request.query_params.lists() for v in values))
    identity = f"{catalog_version()}:{minute}:{zone}:{scope}:{query}"
    digest = hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()  # raw query text is no safe cache key
    key, etag = f"mentors:catalog:{digest}", f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponse(status=304, headers=headers)
    body = cache.get(key)
    if body is None:
        body = JSONRenderer().render(build())
        cache.set(key, body, ENTRY_SECONDS)
    return HttpResponse(body, content_type="application/json", headers=headers)
