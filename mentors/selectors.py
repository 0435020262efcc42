"""Reads about mentors shared by the API and the pages, with flat query counts."""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from mentors.availability import LocalRange, bookable_starts, parse_range
from mentors.models import DateOverride, MentorProfile, Service, Skill, Slot, WeeklyRule
from reviews.models import Review

ORDERINGS = {
    "price": ("price_per_hour", "id"),
    "-price": ("-price_per_hour", "id"),
    "rating": ("-rating_avg", "-rating_count", "id"),
    "total_sessions": ("-total_sessions", "id"),
    "newest": ("-created_at", "-id"),
}
DEFAULT_DURATION_MINUTES = 60
DETAIL_REVIEWS = 10
DETAIL_NEXT_TIMES = 12


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


def mentor_search(
    *, skills: list[str] = (), min_price=None, max_price=None, q: str = "", min_rating=None,
    session_type: str | None = None, available_on: date | None = None, viewer_tz=None, ordering: str = "rating",
    now: datetime | None = None,
) -> QuerySet[MentorProfile]:
    """Listed mentors matching every given filter. Skills match any of those named (slug or name)."""
    now = now or timezone.now()
    queryset = listed_mentors()
    if skills:
        wanted = Q(skill__slug__in=[s.lower() for s in skills]) | Q(skill__name__in=list(skills))
        queryset = queryset.filter(
            Exists(MentorProfile.skills.through.objects.filter(wanted, mentorprofile_id=OuterRef("pk")))
        )
    if min_price is not None:
        queryset = queryset.filter(price_per_hour__gte=min_price)
    if max_price is not None:
        queryset = queryset.filter(price_per_hour__lte=max_price)
    if q:
        queryset = queryset.filter(
            Q(user__full_name__icontains=q) | Q(title__icontains=q) | Q(description__icontains=q)
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


def mentor_for_viewer(*, mentor_id: int, viewer: User | None) -> MentorProfile | None:
    """A listed mentor; an unlisted one only for its owner and staff."""
    queryset = MentorProfile.objects.all()
    if viewer is None or not viewer.is_authenticated:
        queryset = listed_mentors()
    elif not viewer.is_staff:
        queryset = queryset.filter(Q(pk__in=listed_mentors().values("pk")) | Q(user=viewer))
    queryset = _with_card_fields(queryset, timezone.now()).prefetch_related(
        Prefetch("services", queryset=Service.objects.filter(is_active=True)), "weekly_rules", "date_overrides",
    )
    return queryset.filter(pk=mentor_id).first()


def latest_reviews(*, mentor: MentorProfile, limit: int = DETAIL_REVIEWS) -> list[Review]:
    return list(Review.objects.filter(mentor=mentor).select_related("author")[:limit])


# --- bookable times ------------------------------------------------------------------------


@dataclass(frozen=True)
class BookableTime:
    start: datetime
    end: datetime
    slot_id: int | None  # an existing group slot with open seats, else a new slot would be created
    seats_left: int
    service_id: int | None


def _rules(mentor: MentorProfile) -> dict[int, list[LocalRange]]:
    weekly: dict[int, list[LocalRange]] = {}
    for rule in mentor.weekly_rules.all():
        weekly.setdefault(rule.weekday, []).append(LocalRange(rule.start_time, rule.end_time))
    return weekly


def _overrides(mentor: MentorProfile) -> dict[date, list[LocalRange]]:
    return {o.date: [parse_range(text) for text in o.ranges] for o in mentor.date_overrides.all()}


def bookable_times(
    *, mentor: MentorProfile, window_start: datetime, window_end: datetime, service: Service | None = None,
    now: datetime | None = None, limit: int | None = None,
) -> list[BookableTime]:
    """Start times a mentee could book: free time inside the mentor's hours, and open seats in group slots."""
    now = now or timezone.now()
    duration = timedelta(minutes=service.duration_minutes if service else DEFAULT_DURATION_MINUTES)
    buffer = timedelta(minutes=mentor.buffer_minutes)
    earliest = now + timedelta(minutes=mentor.min_notice_minutes)
    margin = duration + buffer
    live = list(
        Slot.objects.filter(mentor=mentor, is_active=True, start__lt=window_end + margin, end__gt=window_start - margin)
        .only("id", "start", "end", "capacity", "seats_taken", "service_id")
    )
    starts = bookable_starts(
        tz=zoneinfo.ZoneInfo(mentor.timezone), weekly=_rules(mentor), overrides=_overrides(mentor),
        busy=[(s.start, s.end) for s in live], buffer=buffer, duration=duration,
        window_start=window_start, window_end=window_end, earliest=earliest,
    )
    times = [BookableTime(s, s + duration, None, service.capacity if service else 1, service.pk if service else None)
             for s in starts]
    # Seats still open in live slots: group slots, and one-seat slots the mentor published.
    times += [
        BookableTime(s.start, s.end, s.pk, s.capacity - s.seats_taken, s.service_id)
        for s in live
        if s.seats_taken < s.capacity and max(window_start, earliest) <= s.start < window_end
        and (service is None or s.service_id in (None, service.pk))
    ]
    times.sort(key=lambda t: (t.start, t.slot_id or 0))
    return times[:limit] if limit else times


def mentor_ids_bookable_on(queryset: QuerySet[MentorProfile], *, day: date, tz, now: datetime) -> list[int]:
    """Mentors (from ``queryset``) with at least one bookable time starting on ``day`` in zone ``tz``."""
    window_start = datetime.combine(day, time.min, tzinfo=tz)
    window_end = window_start + timedelta(days=1)
    if window_end <= now:
        return []
    nearby = (day - timedelta(days=1), day + timedelta(days=1))  # local dates in the mentor's zone may differ by one
    weekdays = {(day + timedelta(days=d)).weekday() for d in (-1, 0, 1)}
    candidates = queryset.filter(
        Exists(WeeklyRule.objects.filter(mentor=OuterRef("pk"), weekday__in=weekdays))
        | Exists(DateOverride.objects.filter(mentor=OuterRef("pk"), date__range=nearby))
        | Exists(_open_seats(now).filter(mentor=OuterRef("pk"), start__gte=window_start, start__lt=window_end))
    ).prefetch_related("weekly_rules", "date_overrides")
    return [
        mentor.pk for mentor in candidates
        if bookable_times(mentor=mentor, window_start=window_start, window_end=window_end, now=now, limit=1)
    ]
