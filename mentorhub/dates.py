"""Dates and times typed by users: read one way, and only inside a sane range.

Python's dates end at years 1 and 9999, and a time zone conversion or a
"plus one day" next to either end raises ``OverflowError`` far from where the
value was read (a search for mentors free on 9999-12-31 crashed in the
availability arithmetic). So every date or time that arrives in a query
string, a form or an API body is checked here, where it is read: years
1900..2200 are accepted, which leaves centuries of room for any arithmetic
the product does (a week view, a day either side for time zones, a session's
length) and refuses nothing a real user means.

The rule lives in ``check_date``; ``parse_*`` read query
strings; ``DateField`` / ``DateTimeField`` are the same rule for Django forms,
and ``mentorhub.api.fields`` for DRF serializers.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django import forms
from django.utils import dateformat
from django.utils.translation import gettext

EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
DATE_FORMAT = "%Y-%m-%d"


class DateInputError(ValueError):
    """A date or time from the user that cannot be read or is outside the accepted range."""

    def __init__(self, message: str):
        self.message = str(message)
        super().__init__(message)


def out_of_range() -> str:
    """The range message, in the language active now."""
    return gettext("Must be between %(earliest)s and %(latest)s.") % {
        "earliest": f"{EARLIEST:%Y-%m-%d}", "latest": f"{LATEST:%Y-%m-%d}"}


def check_date(value: date) -> date:
    """A date, or a datetime (checked on its own calendar date, before any conversion that could overflow)."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise DateInputError(out_of_range())
    return value


def parse_date(raw: str) -> date:
    """``YYYY-MM-DD``, within the accepted range."""
    try:
        day = datetime.strptime(raw, DATE_FORMAT).date()
    except (TypeError, ValueError):
        raise DateInputError(gettext("Use a date such as 2026-03-09.")) from None
    return check_date(day)


def parse_moment(raw: str, *, tz: tzinfo, end_of_day: bool = False) -> datetime:
    """A date (midnight in ``tz``; the next midnight with ``end_of_day``) or an ISO 8601 time.

    A time without an offset is read in ``tz``.
    """
    is_day = len(raw) == len("2026-03-09")
    try:
        if is_day:
            moment = datetime.combine(datetime.strptime(raw, DATE_FORMAT).date(), time.min, tzinfo=tz)
        else:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise DateInputError(gettext("Use a date (2026-03-09) or an ISO 8601 time with offset.")) from None
    check_date(moment)
    if is_day:
        return moment + timedelta(days=1) if end_of_day else moment
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def week_from(raw: str | None, *, today: date) -> date:
    """The first day of a page's week view from ``?week=YYYY-MM-DD``: never before today, today if unreadable.

    A page simply shows the current week for a link it cannot read; there is no form to report an error on.
    """
    try:
        return max(parse_date(raw or ""), today)
    except DateInputError:
        return today


class DateField(forms.DateField):
    def to_python(self, value):
        day = super().to_python(value)
        return _checked(day)


class DateTimeField(forms.DateTimeField):
    def to_python(self, value):
        moment = super().to_python(value)
        return _checked(moment)


def _checked(value):
    if value is None:
        return value
    try:
        return check_date(value)
    except DateInputError as exc:
        raise forms.ValidationError(exc.message, code="out_of_range") from None


# --- Showing a moment to a reader -----------------------------------------------------------------

def user_zone(user) -> tzinfo:
    """The zone a user reads times in: their profile's, else UTC."""
    try:
        return zoneinfo.ZoneInfo(user.timezone) if user.timezone else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def local_time_text(moment: datetime, zone: tzinfo) -> str:
    """A moment as a reader in ``zone`` reads it, in the active language, saying which zone:
    "1 Jun 2025, 23:46 Europe/Moscow (UTC+03:00)", «1 июня 2025, 23:46 Europe/Moscow (UTC+03:00)»."""
    local = moment.astimezone(zone)
    when = dateformat.format(local, gettext("j M Y, H:i"))
    name = getattr(zone, "key", None) or local.tzname() or "UTC"
    if local.utcoffset() == timedelta(0) and name in ("UTC", "Etc/UTC"):
        return f"{when} UTC"
    offset = local.strftime("%z")
    return f"{when} {name} (UTC{offset[:3]}:{offset[3:]})"
