"""Writes of the analytics app: counting the steps of the booking funnel that nothing else records."""

import logging
from datetime import UTC, datetime

from django.db import DatabaseError, connection
from django.utils import timezone

from analytics.models import HourlyCount

logger = logging.getLogger(__name__)


def funnel_count(*, step: str, now: datetime | None = None) -> None:
    """Add one to ``step`` in the current UTC hour: one statement, an upsert, so two web processes counting
    at once both land (no read-modify-write) and the first count of an hour needs no second query.

    Counting must never break the page it counts: a database error is logged with its traceback and the
    count is lost. Called outside any transaction (see analytics.middleware), so a failure poisons nothing.
    """
    hour = (now or timezone.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    table = connection.ops.quote_name(HourlyCount._meta.db_table)
    # Both PostgreSQL and SQLite (3.24+) speak INSERT ... ON CONFLICT; the ORM's bulk_create(update_conflicts=)
    # can only copy the new row's value, not add to the stored one.
    sql = (f"INSERT INTO {table} (hour, step, count) VALUES (%s, %s, 1) "
           f"ON CONFLICT (hour, step) DO UPDATE SET count = {table}.count + 1")
    field = HourlyCount._meta.get_field("hour")
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [field.get_db_prep_value(hour, connection), step])
    except DatabaseError:
        logger.exception("Could not count the funnel step %s; the page was served anyway.", str(step))
