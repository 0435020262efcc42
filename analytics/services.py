"""Writes of the analytics app: counting the steps of the booking funnel that nothing else records."""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.utils import timezone

from analytics.models import HourlyCount
from analytics.pending import PendingCounts
from mentorhub.cache import OUTAGE_ERRORS, SoftRedisCache, add_to_counters, warn_cache_down

logger = logging.getLogger(__name__)

# Buffered counts wait in the shared cache under one key per UTC hour and step until funnel_flush adds them
# to HourlyCount. The flush (every minute, analytics.tasks) looks back this far, and keys live a little
# longer, so a count survives a day of the worker being down.
FLUSH_LOOKBACK_HOURS = 48
BUFFER_SECONDS = (FLUSH_LOOKBACK_HOURS + 1) * 3600


def _hour(now: datetime | None) -> datetime:
    return (now or timezone.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _buffer_key(hour: datetime, step: str) -> str:
    return f"analytics:funnel:{hour:%Y%m%d%H}:{step}"


def _send(counts: dict[tuple[datetime, str], int]) -> None:
    oldest = _hour(None) - timedelta(hours=FLUSH_LOOKBACK_HOURS)
    # Hours no flush looks at any more (counts that waited out a two-day Redis outage) are dropped.
    fresh = {_buffer_key(hour, step): count for (hour, step), count in counts.items() if hour >= oldest}
    if fresh:
        add_to_counters(fresh, timeout=BUFFER_SECONDS)


# This process's counts, on their way to the shared cache (see analytics.pending).
pending_counts = PendingCounts(_send, name="funnel-counts")


def funnel_count(*, step: str, now: datetime | None = None) -> None:
    """Add one to ``step`` in the current UTC hour.

    With ``FUNNEL_COUNTS_BUFFERED`` (the default when Redis is the shared cache) the count is kept in this
    process, pushed to a per-hour counter in the cache within ``FUNNEL_COUNTS_PUSH_SECONDS`` (at once if
    0), and ``funnel_flush`` moves it to the database within a minute: a search served from the catalogue
    cache then costs neither a query nor a round trip of its own; a count that cannot reach Redis waits in
    the process for the next push. Otherwise (no shared cache, so nothing another process could flush) it
    is written at once, see ``_add``. Counting must never break the page it counts: a count the database
    refuses is logged with its traceback and lost.
    """
    hour = _hour(now)
    if settings.FUNNEL_COUNTS_BUFFERED:
        every = settings.FUNNEL_COUNTS_PUSH_SECONDS
        pending_counts.add((hour, str(step)), every=every)
        if every <= 0:
            pending_counts.push()
        return
    try:
        _add(hour, step, 1)
    except DatabaseError:
        logger.exception("Could not count the funnel step %s; the page was served anyway.", str(step))


def _add(hour: datetime, step: str, count: int) -> None:
    """Add ``count`` to the hour's row: one statement, an upsert, so two web processes counting at once
    both land (no read-modify-write) and the first count of an hour needs no second query. Called
    outside any transaction (see analytics.middleware), so a failure poisons nothing."""
    table = connection.ops.quote_name(HourlyCount._meta.db_table)
    # Both PostgreSQL and SQLite (3.24+) speak INSERT ... ON CONFLICT; the ORM's bulk_create(update_conflicts=)
    # can only copy the new row's value, not add to the stored one.
    sql = (f"INSERT INTO {table} (hour, step, count) VALUES (%s, %s, %s) "
           f"ON CONFLICT (hour, step) DO UPDATE SET count = {table}.count + EXCLUDED.count")
    field = HourlyCount._meta.get_field("hour")
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_value(hour, connection), step, count])


def _take(keys: list[str]) -> list[int]:
    """Read and delete each buffered count in one step, so two flushes never both add the same counts."""
    cache = caches["default"]
    if isinstance(cache, SoftRedisCache):
        made = [cache.make_and_validate_key(key) for key in keys]
        with cache._cache.get_client(made[0], write=True).pipeline(transaction=False) as pipe:
            for key in made:
                pipe.getdel(key)
            return [int(value or 0) for value in pipe.execute()]
    # A cache of this process alone (tests, a single-process demo): nothing else reads it meanwhile.
    counts = cache.get_many(keys)
    cache.delete_many(list(counts))
    return [int(counts.get(key) or 0) for key in keys]


def funnel_flush(*, now: datetime | None = None) -> int:
    """Move the buffered funnel counts of the last ``FLUSH_LOOKBACK_HOURS`` into HourlyCount; returns how many.

    Safe to run twice or at once in two workers: each count is taken out of the cache atomically before it
    is added. A count the database refuses is put back for the next flush. Counts this process keeps (see
    ``funnel_count``) are pushed to the cache first.
    """
    pending_counts.push()
    latest = _hour(now)
    slots = [(latest - timedelta(hours=back), step) for back in range(FLUSH_LOOKBACK_HOURS + 1)
             for step in HourlyCount.Step.values]
    try:
        taken = _take([_buffer_key(hour, step) for hour, step in slots])
    except OUTAGE_ERRORS as exc:
        warn_cache_down(exc)
        return 0  # nothing reachable to flush; the counts wait in Redis for the next run
    moved, refused = 0, {}
    for (hour, step), count in zip(slots, taken, strict=True):
        if not count:
            continue
        try:
            _add(hour, step, count)
            moved += count
        except DatabaseError:
            logger.exception("Could not store %s funnel counts; they wait for the next flush.", count)
            refused[(hour, step)] = count
    if refused:
        # Back into the shared cache for the next flush, by the same way a web process's counts go there;
        # if Redis has gone too, they wait in this process and the next flush pushes them first.
        pending_counts.put_back(refused)
        pending_counts.push()
    return moved
