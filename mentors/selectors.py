"""Reads about mentors shared by the API and the pages, with flat query counts."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from mentors.availability import LocalRange, bookable_starts, parse_range
from mentors.models import DateOverride, MentorProfile, Service, Skill, Slot, WeeklyRule

ORDERINGS = {
    "price": ("price_per_hour", "id"),
    "-price": ("-price_per_hour", "id"),
    "rating": ("-rating_avg", "-rating_count", "id"),
    "total_sessions": ("-total_sessions", "id"),
    "newest": ("-created_at", "-id"),
}
DETAIL_REVIEWS = 10
DETAIL_NEXT_TIMES = 12
# How far ahead a search card looks for the mentor's next free time.
NEXT_FREE_HORIZON = timedelta(days=14)


def listed_mentors() -> QuerySet[MentorProfile]:
    """Approved mentors who accept bookings: the only ones anyone can find or book."""
    return MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED, accepts_bookings=True)


def _open_seats(now: datetime) -> QuerySet[Slot]:
    return Slot.objects.filter(is_active=True, start__gt=now, capacity__gt=F("seats_taken"))


def _with_card_fields(queryset: QuerySet[MentorProfile], now: datetime) -> QuerySet[MentorProfile]:
    has_hours = Exists(WeeklyRule.objects.filter(mentor=OuterRef("pk")))
    has_seats = Exists(_open_seats(now).filter(mentor=OuterRef("pk")))
    return queryset.select_related("user").prefetch_related(
        Prefetch("skills", queryset=Skill.objects.only("id", "name", "slug"))
    ).annotate(available=has_hours | has_seats)


# What may stand before a word inside a skill's name: "Node.js", "CI/CD", "Google Cloud", "Objective-C".
WORD_SEPARATORS = (" ", "-", ".", "/", "(", "+", "#")


def skill_matches(term: str, *, prefix: str = "") -> Q:
    """Skills a typed term means, in any case: its slug, or a name with a word starting with it ("pyth" is Python).

    Word starts, not any substring, so that "go" finds Go and Google Cloud but not Django or MongoDB.
    """
    term = term.strip()
    if not term:
        return Q(pk__in=[])
    words = Q(**{f"{prefix}name__istartswith": term})
    for separator in WORD_SEPARATORS:
        words |= Q(**{f"{prefix}name__icontains": separator + term})
    slug = term.lower()
    if slugify(slug) == slug:  # "system-des" means System Design; "c++" would slugify to "c" and mean too much
        words |= Q(**{f"{prefix}slug__startswith": slug})
    return words


def skill_suggestions(*, q: str = "") -> QuerySet[Skill]:
    """Skills at least one listed mentor has, matching ``q`` (see skill_matches), the most offered first."""
    listed = Q(mentors__status=MentorProfile.Status.APPROVED, mentors__accepts_bookings=True)
    queryset = Skill.objects.annotate(mentor_count=Count("mentors", filter=listed)).filter(mentor_count__gt=0)
    if q.strip():
        queryset = queryset.filter(skill_matches(q))
    return queryset.order_by("-mentor_count", "name", "id")


def _has_skill(wanted: Q) -> Exists:
    """Mentors with one of the skills ``wanted`` (a ``skill_matches`` of the Skill table) matches.

    The skills are matched first, in a query of their own over the small Skill table, and mentors are then
    found by skill id. Matched inside the mentor query, PostgreSQL planned the match per mentor after a
    bulk load, before autovacuum's ANALYZE had counted the new rows: nine LIKEs over every skill for each
    of 10,000 mentors, 0.8 s a query (a subquery is no help: the planner pulls it up into the same join).
    """
    ids = list(Skill.objects.filter(wanted).values_list("pk", flat=True))
    return Exists(MentorProfile.skills.through.objects.filter(mentorprofile_id=OuterRef("pk"), skill_id__in=ids))


def mentor_search(
    *, skills: list[str] = (), min_price=None, max_price=None, q: str = "", min_rating=None,
    session_type: str | None = None, available_on: date | None = None, viewer_tz=None, ordering: str = "rating",
    now: datetime | None = None,
) -> QuerySet[MentorProfile]:
    """Listed mentors matching every given filter. Skills match any of those named (slug or name)."""
    now = now or timezone.now()
    queryset = listed_mentors()
    if skills:
        wanted = Q()
        for term in skills:
            wanted |= skill_matches(term)
        queryset = queryset.filter(_has_skill(wanted))
    if min_price is not None:
        queryset = queryset.filter(price_per_hour__gte=min_price)
    if max_price is not None:
        queryset = queryset.filter(price_per_hour__lte=max_price)
    if q:
        with_skill = _has_skill(skill_matches(q))
        queryset = queryset.filter(
            Q(user__full_name__icontains=q) | Q(title__icontains=q) | Q(description__icontains=q) | with_skill
        )
    if min_rating is not None:
        queryset = queryset.filter(rating_avg__gte=min_rating)
    if session_type:
        queryset = queryset.filter(
            Exists(Service.objects.filter(mentor=OuterRef("pk"), is_active=True, session_type=session_type))
        )
    if available_on is not None:
        ids = mentor_ids_bookable_on(queryset, day=available_on, tz=viewer_tz or UTC, now=now)
        queryset = queryset.filter(pk__in=ids)
    return _with_card_fields(queryset, now).order_by(*ORDERINGS.get(ordering, ORDERINGS["rating"]))


def open_slots(*, mentor: MentorProfile, start: datetime, end: datetime | None = None) -> QuerySet[Slot]:
    """A mentor's bookable slots from ``start`` (never in the past) until ``end`` if given: live, with a seat left."""
    start = max(start, timezone.now())
    slots = Slot.objects.filter(mentor=mentor, is_active=True, start__gte=start, seats_taken__lt=F("capacity"))
    return (slots.filter(start__lt=end) if end is not None else slots).order_by("start", "id")


def _visible_to(viewer: User | None) -> QuerySet[MentorProfile]:
    if viewer is None or not viewer.is_authenticated:
        return listed_mentors()
    if viewer.is_staff:
        return MentorProfile.objects.all()
    # Correlated, not "pk IN (every listed mentor)": the database checks the one row asked for.
    return MentorProfile.objects.filter(Exists(listed_mentors().filter(pk=OuterRef("pk"))) | Q(user=viewer))


def mentor_for_viewer(*, mentor_id: int, viewer: User | None) -> MentorProfile | None:
    """A listed mentor; an unlisted one only for its owner and staff."""
    queryset = _with_card_fields(_visible_to(viewer), timezone.now()).prefetch_related(
        Prefetch("services", queryset=Service.objects.filter(is_active=True)), "weekly_rules", "date_overrides",
    )
    return queryset.filter(pk=mentor_id).first()


def may_see(mentor: MentorProfile, viewer: User | None) -> bool:
    """``_visible_to`` asked of one profile already read: listed, or the viewer's own, or the viewer is staff."""
    if mentor.is_listed:
        return True
    return viewer is not None and viewer.is_authenticated and (viewer.is_staff or mentor.user_id == viewer.pk)


def mentor_calendar_for_viewer(*, mentor_id: int, viewer: User | None) -> MentorProfile | None:
    """``mentor_for_viewer`` with only what ``bookable_times`` reads (hours and dated changes): no card fields.

    Read by key and checked with ``may_see``: building ``_visible_to``'s EXISTS cost more than running the
    query, on every calendar a mentee opens.
    """
    mentor = MentorProfile.objects.filter(pk=mentor_id).first()
    if mentor is None or not may_see(mentor, viewer):
        return None
    prefetch_related_objects([mentor], "weekly_rules", "date_overrides")
    return mentor


# Reviews are read through the relation (``mentor.reviews``, reviews.Review's queryset): reviews builds
# on mentors, so mentors never imports it (docs/ARCHITECTURE.md, "Layers").
def latest_reviews(*, mentor: MentorProfile, limit: int = DETAIL_REVIEWS) -> list:
    return list(mentor.reviews.visible().select_related("author")[:limit])


def reviews_to_answer(*, mentor: MentorProfile) -> QuerySet:
    """The mentor's reviews for their dashboard: those still without a reply first, then the newest."""
    unanswered_first = Case(When(mentor_reply="", then=Value(0)), default=Value(1))
    # Hidden reviews are out of the rating and cannot be answered; the mentor was told when one was hidden.
    return (mentor.reviews.visible().select_related("author", "booking__slot")
            .order_by(unanswered_first, "-created_at", "-id"))


# --- bookable times ------------------------------------------------------------------------


@dataclass(frozen=True)
class BookableTime:
    start: datetime
    end: datetime
    slot_id: int | None  # an existing group slot with open seats, else a new slot would be created
    seats_left: int
    service_id: int | None


class LiveSlot(NamedTuple):
    id: int
    mentor_id: int
    start: datetime
    end: datetime
    capacity: int
    seats_taken: int
    service_id: int | None


class _EpochMicroseconds(Func):
    """A timestamptz column as whole microseconds since 1970-01-01 UTC (PostgreSQL), exact to the microsecond."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS BIGINT)"
    output_field = BigIntegerField()

    def get_db_converters(self, connection):
        # psycopg returns a BIGINT as an int already; Django's default would also call int() on every value,
        # a converter per row (measured: about a tenth of the slot read for 500 slots).
        return self.output_field.get_db_converters(connection)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class _Calendar:
    """What a mentor's bookable times are computed from: weekly hours, date overrides, live slots."""

    weekly: dict[int, list[LocalRange]] = field(default_factory=dict)
    overrides: dict[date, list[LocalRange]] = field(default_factory=dict)
    live: list[LiveSlot] = field(default_factory=list)


def _weekly(rules) -> dict[int, list[LocalRange]]:
    weekly: dict[int, list[LocalRange]] = {}
    for rule in rules:
        weekly.setdefault(rule.weekday, []).append(LocalRange(rule.start_time, rule.end_time))
    return weekly


def _dated(overrides) -> dict[date, list[LocalRange]]:
    return {o.date: [parse_range(text) for text in o.ranges] for o in overrides}


def _live_slots(
    queryset: QuerySet[Slot], *, window_start: datetime, window_end: datetime, margin: timedelta,
) -> list[LiveSlot]:
    # Tuples, not model instances: a busy mentor has hundreds of slots in a 62-day window, and building a Slot
    # for each cost more than computing the bookable times themselves.
    # Unordered: every caller sorts what it takes (the busy intervals, the times), so the database need not.
    queryset = queryset.filter(is_active=True, start__lt=window_end + margin,
                               end__gt=window_start - margin).order_by()
    if connection.vendor != "postgresql":
        return [LiveSlot(*row) for row in queryset.values_list(*LiveSlot._fields)]
    # psycopg parses a timestamptz in Python under Django's time-zone loader, about 5 µs a value, 1,000 values
    # for a mentor with 500 slots in the window. Integers are parsed in C; with the datetimes built here, that
    # read measured 6.2 → 3.5 ms (README, Performance).
    rows = queryset.values_list("id", "mentor_id", _EpochMicroseconds("start"), _EpochMicroseconds("end"),
                                "capacity", "seats_taken", "service_id")
    return [LiveSlot(pk, mentor_id, _EPOCH + timedelta(microseconds=start), _EPOCH + timedelta(microseconds=end),
                     capacity, seats_taken, service_id)
            for pk, mentor_id, start, end, capacity, seats_taken, service_id in rows]


def _times(
    mentor: MentorProfile, calendar: _Calendar, *, window_start: datetime, window_end: datetime,
    service: Service | None, now: datetime, limit: int | None,
) -> list[BookableTime]:
    duration = timedelta(minutes=service.duration_minutes if service else mentor.default_session_minutes)
    earliest = now + timedelta(minutes=mentor.min_notice_minutes)
    starts = bookable_starts(
        tz=zoneinfo.ZoneInfo(mentor.timezone), weekly=calendar.weekly, overrides=calendar.overrides,
        busy=[(s.start, s.end) for s in calendar.live], buffer=timedelta(minutes=mentor.buffer_minutes),
        duration=duration, window_start=window_start, window_end=window_end, earliest=earliest,
    )
    times = [BookableTime(s, s + duration, None, service.capacity if service else 1, service.pk if service else None)
             for s in starts]
    # Seats still open in live slots: group slots, and one-seat slots the mentor published.
    times += [
        BookableTime(s.start, s.end, s.id, s.capacity - s.seats_taken, s.service_id)
        for s in calendar.live
        if s.seats_taken < s.capacity and max(window_start, earliest) <= s.start < window_end
        and (service is None or s.service_id in (None, service.pk))
    ]
    times.sort(key=lambda t: (t.start, t.slot_id or 0))
    return times[:limit] if limit else times


def bookable_times(
    *, mentor: MentorProfile, window_start: datetime, window_end: datetime, service: Service | None = None,
    now: datetime | None = None, limit: int | None = None,
) -> list[BookableTime]:
    """Start times a mentee could book: free time inside the mentor's hours, and open seats in group slots,
    up to ``BOOKING_HORIZON_DAYS`` ahead (a calendar cannot be claimed years in advance)."""
    now = now or timezone.now()
    window_end = min(window_end, now + timedelta(days=settings.BOOKING_HORIZON_DAYS))
    if window_end <= window_start:
        return []
    duration = timedelta(minutes=service.duration_minutes if service else mentor.default_session_minutes)
    margin = duration + timedelta(minutes=mentor.buffer_minutes)
    live = _live_slots(Slot.objects.filter(mentor=mentor), window_start=window_start, window_end=window_end,
                       margin=margin)
    calendar = _Calendar(_weekly(mentor.weekly_rules.all()), _dated(mentor.date_overrides.all()), live)
    return _times(mentor, calendar, window_start=window_start, window_end=window_end, service=service, now=now,
                  limit=limit)


def _calendars(mentors: list[MentorProfile], *, window_start: datetime, window_end: datetime) -> dict[int, _Calendar]:
    """The calendars of many mentors around a window in three queries, however many mentors there are."""
    ids = [m.pk for m in mentors]
    calendars = {pk: _Calendar() for pk in ids}
    if not ids:
        return calendars
    for rule in WeeklyRule.objects.filter(mentor_id__in=ids):
        calendars[rule.mentor_id].weekly.setdefault(rule.weekday, []).append(
            LocalRange(rule.start_time, rule.end_time))
    # A local date is at most a day off the UTC one, and bookable_starts looks one day past each end.
    first, last = window_start.astimezone(UTC).date(), window_end.astimezone(UTC).date()
    days = (first - timedelta(days=2), last + timedelta(days=2))
    for override in DateOverride.objects.filter(mentor_id__in=ids, date__range=days):
        calendars[override.mentor_id].overrides[override.date] = [parse_range(text) for text in override.ranges]
    margin = timedelta(minutes=max(m.default_session_minutes for m in mentors) + max(m.buffer_minutes for m in mentors))
    for slot in _live_slots(Slot.objects.filter(mentor_id__in=ids), window_start=window_start, window_end=window_end,
                            margin=margin):
        calendars[slot.mentor_id].live.append(slot)
    return calendars


def next_free_times(
    mentors: list[MentorProfile], *, now: datetime | None = None, horizon: timedelta = NEXT_FREE_HORIZON,
) -> dict[int, datetime]:
    """Each mentor's next bookable start (an hour's session, or an open seat) within ``horizon``, by mentor id.

    For a page of search results: a fixed number of queries for the whole page, none per mentor. Mentors with
    nothing free in the horizon are left out.
    """
    now = now or timezone.now()
    calendars = _calendars(mentors, window_start=now, window_end=now + horizon)
    found = {}
    for mentor in mentors:
        times = _times(mentor, calendars[mentor.pk], window_start=now, window_end=now + horizon, service=None,
                       now=now, limit=1)
        if times:
            found[mentor.pk] = times[0].start
    return found


def with_next_free_time(mentors, *, now: datetime | None = None) -> list[MentorProfile]:
    """The mentors (a page of them), each with ``next_free_at`` set: a datetime, or None."""
    mentors = list(mentors)
    found = next_free_times(mentors, now=now)
    for mentor in mentors:
        mentor.next_free_at = found.get(mentor.pk)
    return mentors


def mentor_ids_bookable_on(queryset: QuerySet[MentorProfile], *, day: date, tz, now: datetime) -> list[int]:
    """Mentors (from ``queryset``) with at least one bookable time starting on ``day`` in zone ``tz``."""
    window_start = datetime.combine(day, time.min, tzinfo=tz)
    window_end = window_start + timedelta(days=1)
    if window_end <= now:
        return []
    nearby = (day - timedelta(days=1), day + timedelta(days=1))  # local dates in the mentor's zone may differ by one
    weekdays = {(day + timedelta(days=d)).weekday() for d in (-1, 0, 1)}
    candidates = list(queryset.filter(
        Exists(WeeklyRule.objects.filter(mentor=OuterRef("pk"), weekday__in=weekdays))
        | Exists(DateOverride.objects.filter(mentor=OuterRef("pk"), date__range=nearby))
        | Exists(_open_seats(now).filter(mentor=OuterRef("pk"), start__gte=window_start, start__lt=window_end))
    ).only("id", "timezone", "min_notice_minutes", "buffer_minutes", "default_session_minutes"))
    calendars = _calendars(candidates, window_start=window_start, window_end=window_end)
    return [
        mentor.pk for mentor in candidates
        if _times(mentor, calendars[mentor.pk], window_start=window_start, window_end=window_end, service=None,
                  now=now, limit=1)
    ]


# --- what messaging asks (registered in MentorsConfig.ready; messaging/contacts.py) -----------------

def is_approved_mentor(sender: User, recipient: User) -> bool:
    """Messaging's contact rule: anyone may write to an approved mentor."""
    return MentorProfile.objects.filter(user=recipient, status=MentorProfile.Status.APPROVED).exists()


def approved_profile_url(user: User) -> str | None:
    """The public page of ``user`` when they are an approved mentor (shown beside a conversation)."""
    mentor = MentorProfile.objects.filter(user=user, status=MentorProfile.Status.APPROVED).only("pk").first()
    return reverse("mentors:detail", args=[mentor.pk]) if mentor else None
