"""Which start times a mentee can book with a mentor.

Mentors think in their own wall clock ("Mondays 09:00-17:00 in New York"), while bookings are stored and
compared as absolute UTC instants. This module is the one place that turns the first into the second, so it
is pure (no Django, no database) and can be tested exhaustively around daylight-saving changes.

Daylight-saving rules, chosen so that a mentor's calendar looks the same every week on *their* wall:

* A rule keeps its wall-clock time when the clocks change; its UTC time moves by the offset change.
* A wall-clock start that does not exist (inside a spring-forward gap) is skipped, never shifted: shifting
  it would land on a time the rule already offers, or one the mentor never agreed to.
* A wall-clock start that happens twice (inside a fall-back fold) is offered once, at its first occurrence
  (``fold=0``), because that is what a person reading "01:00" on that morning means first.
* A range *end* follows the same fold rule. An end inside a gap is taken as the instant the gap begins: it is
  the last moment the mentor's wall clock still reads earlier than the end, so sessions finishing when the
  clocks jump still fit and none spill past the wall-clock time the mentor named.
"""

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, pairwise
from zoneinfo import ZoneInfo

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_RANGE = re.compile(r"([0-9]{2}:[0-9]{2})-([0-9]{2}:[0-9]{2})")
_EXAMPLE = '"09:00-17:00"'


def gettext_noop(text: str) -> str:
    """Marks a message for the translation catalogue (makemessages knows this name) without needing Django here."""
    return text


class AvailabilityError(ValueError):
    """Bad availability input, pointing at the offending field so an API can show it next to that field.

    ``message`` is the English text; ``template`` % ``params`` is the same text, for a caller to translate.
    """

    def __init__(self, field: str, template: str, **params) -> None:
        self.field = field
        self.template = template
        self.params = params
        self.message = template % params
        super().__init__(f"{field}: {self.message}")


@dataclass(frozen=True)
class LocalRange:
    """A wall-clock range within one local day, start < end (no ranges past midnight).

    Ranges never cross midnight so that each one belongs to exactly one local date, which is what date
    overrides replace; a late-night block is written as two ranges on two days.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"A range must end after it starts: {self.start}-{self.end}.")

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def bookable_starts(
    *,
    tz: ZoneInfo,
    weekly: dict[int, list[LocalRange]],
    overrides: dict[date, list[LocalRange]],
    busy: list[tuple[datetime, datetime]],
    buffer: timedelta,
    duration: timedelta,
    step: timedelta | None = None,
    window_start: datetime,
    window_end: datetime,
    earliest: datetime,
) -> list[datetime]:
    """Every start in ``[max(window_start, earliest), window_end)`` where a session of ``duration`` fits.

    ``weekly`` maps weekday (0=Monday) to ranges in ``tz``; ``overrides`` replaces a local date's ranges
    wholesale (an empty list is a day off). A start must leave ``buffer`` clear of every ``busy`` interval on
    both sides, so mentors get breathing room between sessions. Candidates step through each range in
    wall-clock time by ``step`` (default ``duration``). Returns sorted, distinct, aware UTC datetimes.
    """
    step = duration if step is None else step
    if duration <= timedelta(0) or step <= timedelta(0):
        raise ValueError("duration and step must be positive.")
    for name, moment in (("window_start", window_start), ("window_end", window_end), ("earliest", earliest)):
        if moment.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware.")

    lowest = max(window_start, earliest)
    # Any start in the window lies on a local date between these; the extra day each side is cheap insurance.
    day = window_start.astimezone(tz).date() - timedelta(days=1)
    last_day = window_end.astimezone(tz).date() + timedelta(days=1)
    clashes = _clash_check(busy, buffer, duration)
    starts: set[datetime] = set()
    while day <= last_day:
        ranges = overrides[day] if day in overrides else weekly.get(day.weekday(), [])
        for local_range in ranges:
            for start in _fitting_starts(tz, day, local_range, duration, step):
                if lowest <= start < window_end and not clashes(start):
                    starts.add(start)
        day += timedelta(days=1)
    return sorted(starts)


def _clash_check(busy: list[tuple[datetime, datetime]], buffer: timedelta, duration: timedelta):
    """``clashes(start)``: does a session at ``start`` come within ``buffer`` of a busy interval?

    A session clashes with (bs, be) when bs < start + duration + buffer and be + buffer > start. Among the
    intervals that begin before start + duration + buffer (a prefix of them sorted by start), one ends late
    enough exactly when the latest end of that prefix does: a binary search and a running maximum, so a
    mentor with 500 bookings costs each candidate a lookup, not 500 comparisons.
    """
    ordered = sorted(busy)
    begins = [bs for bs, _ in ordered]
    latest_end = list(accumulate((be for _, be in ordered), max))

    def clashes(start: datetime) -> bool:
        before = bisect_left(begins, start + duration + buffer)
        return before > 0 and latest_end[before - 1] + buffer > start

    return clashes


def _fitting_starts(
    tz: ZoneInfo, day: date, local_range: LocalRange, duration: timedelta, step: timedelta
) -> Iterator[datetime]:
    """UTC starts on ``day`` stepping through ``local_range`` whose session ends by the range's end instant.

    The fit is checked in absolute time, not wall-clock time, so a session never runs past the range's end
    even when the clocks change inside it.
    """
    closes = _closing_instant(tz, datetime.combine(day, local_range.end))
    wall = datetime.combine(day, local_range.start)
    end_wall = datetime.combine(day, local_range.end)
    while wall < end_wall:
        start = _instant(tz, wall)
        if start is not None and start + duration <= closes:
            yield start
        wall += step


def _instant(tz: ZoneInfo, wall: datetime) -> datetime | None:
    """The UTC instant of a naive wall-clock time in ``tz``, or None if the clocks skip it.

    ``fold=0`` picks the first occurrence of a repeated time. A skipped time does not survive the round trip
    local -> UTC -> local (zoneinfo maps it to a different wall-clock time), which is how we detect it.
    """
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    return instant if instant.astimezone(tz).replace(tzinfo=None) == wall else None


def _closing_instant(tz: ZoneInfo, wall: datetime) -> datetime:
    """When a range ending at wall-clock ``wall`` closes; for an end inside a gap, the instant the gap begins.

    In a gap, ``fold=1`` reads the wall time with the later offset (an instant before the jump) and ``fold=0``
    with the earlier offset (an instant after it). Zoneinfo does not expose transition instants, so we bisect
    between the two, to the second, for the first instant whose wall clock reads later than ``wall``.
    """
    instant = _instant(tz, wall)
    if instant is not None:
        return instant
    before = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    after = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    while after - before > timedelta(seconds=1):
        middle = before + timedelta(seconds=int((after - before).total_seconds()) // 2)
        if middle.astimezone(tz).replace(tzinfo=None) > wall:
            after = middle
        else:
            before = middle
    return after


def parse_range(text: str, *, field: str = "range") -> LocalRange:
    """Parse a 24-hour ``"HH:MM-HH:MM"`` range; ``field`` names it in the error a user will see.

    The format is strict (two-digit hours and minutes, no spaces, no "24:00") so every accepted value has
    exactly one spelling and ``format_weekly`` gives back what was stored.
    """
    match = _RANGE.fullmatch(text)
    if match is None:
        raise AvailabilityError(field, gettext_noop('"%(text)s" is not a time range. Use 24-hour "HH:MM-HH:MM", '
                                                    'e.g. %(example)s.'), text=text, example=_EXAMPLE)
    start, end = (_parse_time(part, field) for part in match.groups())
    if start >= end:
        raise AvailabilityError(
            field, gettext_noop('"%(text)s" must end after it starts. A range cannot run past midnight: end '
                                'it by 23:59 and give the next day its own range from 00:00.'), text=text)
    return LocalRange(start=start, end=end)


def _parse_time(text: str, field: str) -> time:
    """``"HH:MM"`` (already shaped by the range pattern) to a time, rejecting hours over 23 or minutes over 59."""
    hours, minutes = int(text[:2]), int(text[3:])
    if hours > 23 or minutes > 59:
        raise AvailabilityError(field, gettext_noop('"%(text)s" is not a valid time. Hours run 00-23 and minutes '
                                                    '00-59.'), text=text)
    return time(hours, minutes)


def parse_weekly(availability: dict[str, list[str]]) -> dict[int, list[LocalRange]]:
    """Parse the API shape ``{"monday": ["10:00-18:00"], ...}`` into weekday -> ranges sorted by start.

    Input comes straight from JSON, so types are checked, not assumed. Overlapping ranges are rejected
    (touching ones are fine) because they almost always mean a typo, and would double-count hours.
    Days with no ranges are left out, matching ``format_weekly``.
    """
    if not isinstance(availability, dict):
        raise AvailabilityError("availability",
                                gettext_noop("Expected an object mapping day names to lists of time ranges."))
    weekly: dict[int, list[LocalRange]] = {}
    for name, texts in availability.items():
        field = f"availability.{name}"
        if name not in DAY_NAMES:
            raise AvailabilityError(field, gettext_noop('Unknown day "%(name)s". Use one of: %(days)s.'),
                                    name=name, days=", ".join(DAY_NAMES))
        if not isinstance(texts, list):
            raise AvailabilityError(field, gettext_noop("Expected a list of time ranges, e.g. [%(example)s]."),
                                    example=_EXAMPLE)
        ranges = []
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise AvailabilityError(f"{field}.{index}", gettext_noop("Expected a time range, e.g. %(example)s."),
                                        example=_EXAMPLE)
            ranges.append(parse_range(text, field=f"{field}.{index}"))
        ranges.sort(key=lambda r: (r.start, r.end))
        # Sorted by start, any overlap shows up between neighbours.
        for earlier, later in pairwise(ranges):
            if later.start < earlier.end:
                raise AvailabilityError(field, gettext_noop("Ranges overlap: %(earlier)s and %(later)s."),
                                        earlier=str(earlier), later=str(later))
        if ranges:
            weekly[DAY_NAMES.index(name)] = ranges
    return weekly


def format_weekly(weekly: dict[int, list[LocalRange]]) -> dict[str, list[str]]:
    """The inverse of ``parse_weekly``: Monday first, ranges sorted, days without ranges omitted."""
    return {
        DAY_NAMES[day]: [str(r) for r in sorted(ranges, key=lambda r: (r.start, r.end))]
        for day, ranges in sorted(weekly.items())
        if ranges
    }
