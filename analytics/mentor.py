"""A mentor's own figures: sessions per week, earnings per month, rating trend, no-shows and late
cancellations, busiest hours. Everything is bucketed in the mentor's zone (``user.timezone``).

Bucketing happens in the database with time-zone aware functions (``TruncWeek``/``TruncMonth``/``Extract*``
with ``tzinfo``): PostgreSQL converts with ``AT TIME ZONE``, SQLite with Django's zoneinfo functions, so
a session is counted in the local week, day and hour it starts in, on either side of a DST change. Six
queries whatever the data size: the profile, then one aggregate per figure.

"Sessions" are bookings, as everywhere in the API (a group slot with three mentees counts three).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from bookings.models import Booking, BookingEvent
from mentorhub.errors import InvalidInput, NotFound
from mentors.models import MentorProfile
from payments.selectors import MonthEarnings, mentor_earnings_by_month
from reviews.models import Review

S = Booking.Status
# What a week's and an hour's sessions count: those held or still to be held. Requested (unconfirmed),
# declined, expired, cancelled and no-show bookings are not sessions the mentor gave.
SESSION_STATUSES = (S.SCHEDULED, S.COMPLETED)
MAX_SPAN_DAYS = 366
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class WeekSessions:
    week: date  # its Monday, in the mentor's zone
    sessions: int


@dataclass(frozen=True)
class MonthRating:
    month: date  # the first day of the month, in the mentor's zone
    average: Decimal  # two places
    reviews: int


@dataclass(frozen=True)
class HourSessions:
    weekday: int  # ISO: 1 Monday … 7 Sunday
    hour: int  # 0–23, local
    sessions: int


@dataclass(frozen=True)
class MentorAnalytics:
    start: date
    end: date  # inclusive
    timezone: str
    sessions_per_week: list[WeekSessions]  # every week the range touches, oldest first, zeros included
    earnings_per_month: list[MonthEarnings]  # months with money, oldest first, one row per currency
    rating_per_month: list[MonthRating]  # months with reviews, oldest first
    no_shows: int
    late_cancellations_by_mentee: int
    late_cancellations_by_mentor: int
    late_window_hours: int
    busiest: list[HourSessions]  # weekday-and-hour cells with sessions, busiest first
    by_hour: list[int]  # 24 counts, local hour 0–23
    by_weekday: list[int]  # 7 counts, Monday first

    @property
    def total_sessions(self) -> int:
        return sum(week.sessions for week in self.sessions_per_week)


def mentor_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def analytics_window(*, start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The dates the figures cover (both inclusive). Without ``end``: the end of the current month; without
    ``start``: the first day of the month eleven months before ``end``'s (twelve calendar months).
    Refused: ``start`` after ``end``, or more than 366 days."""
    if end is None:
        following = today.replace(day=28) + timedelta(days=4)
        end = following - timedelta(days=following.day)
    if start is None:
        months = end.year * 12 + end.month - 1 - (DEFAULT_MONTHS - 1)
        start = date(months // 12, months % 12 + 1, 1)
    if start > end:
        raise InvalidInput(_("'from' must be on or before 'to'."), field="from")
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        raise InvalidInput(ngettext("At most %(count)d day at a time.", "At most %(count)d days at a time.",
                                    MAX_SPAN_DAYS) % {"count": MAX_SPAN_DAYS}, field="to")
    return start, end


def approved_profile(user: User) -> MentorProfile:
    """The user's approved mentor profile. Anyone else (no profile, pending, rejected) has no analytics: 404."""
    profile = MentorProfile.objects.filter(user=user, status=MentorProfile.Status.APPROVED).first() \
        if user.is_authenticated else None
    if profile is None:
        raise NotFound(_("You have no approved mentor profile."))
    return profile


def mentor_analytics(*, user: User, start: date, end: date) -> MentorAnalytics:
    """The signed-in mentor's figures for the local dates ``start``–``end`` (inclusive), in ``user.timezone``.

    Sessions, no-shows, late cancellations and hours go by the session's start; earnings by when the payment
    was made (the earnings page's rows: sessions and the mentor's own courses, refunds deducted, per currency);
    ratings by when the review was written (session reviews; course reviews are the course's). A late
    cancellation is one made after the mentor's full-refund deadline (``full_refund_hours`` before the start,
    the refund policy's late window, at today's setting), counted by who cancelled: the mentee or the mentor
    (staff and the system are neither).
    """
    profile = approved_profile(user)
    zone = mentor_zone(user)
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    bookings = Booking.objects.filter(slot__mentor=profile, slot__start__gte=since, slot__start__lt=until)
    sessions = bookings.filter(status__in=SESSION_STATUSES)

    weeks = dict(sessions.annotate(week=TruncWeek("slot__start", tzinfo=zone)).values("week")
                 .annotate(n=Count("id")).order_by("week").values_list("week", "n"))
    weekly = {timezone.localtime(moment, zone).date(): n for moment, n in weeks.items()}
    monday = start - timedelta(days=start.weekday())
    sessions_per_week = []
    while monday <= end:
        sessions_per_week.append(WeekSessions(week=monday, sessions=weekly.get(monday, 0)))
        monday += timedelta(days=7)

    cells = (sessions.annotate(weekday=ExtractIsoWeekDay("slot__start", tzinfo=zone),
                               hour=ExtractHour("slot__start", tzinfo=zone))
             .values("weekday", "hour").annotate(n=Count("id")).order_by())
    busiest = sorted((HourSessions(weekday=c["weekday"], hour=c["hour"], sessions=c["n"]) for c in cells),
                     key=lambda c: (-c.sessions, c.weekday, c.hour))
    by_hour, by_weekday = [0] * 24, [0] * 7
    for cell in busiest:
        by_hour[cell.hour] += cell.sessions
        by_weekday[cell.weekday - 1] += cell.sessions

    earnings = sorted(mentor_earnings_by_month(user=user, zone=zone, since=since, until=until),
                      key=lambda row: (row.month, row.currency))

    ratings = (Review.objects.visible().filter(mentor=profile, created_at__gte=since, created_at__lt=until)
               .annotate(month=TruncMonth("created_at", tzinfo=zone)).values("month")
               .annotate(average=Avg("rating"), n=Count("id")).order_by("month"))
    rating_per_month = [MonthRating(month=timezone.localtime(row["month"], zone).date(), reviews=row["n"],
                                    average=Decimal(str(row["average"])).quantize(Decimal("0.01")))
                        for row in ratings]

    late = Exists(BookingEvent.objects.filter(
        booking=OuterRef("pk"), to_status=S.CANCELLED,
        created_at__gt=OuterRef("slot__start") - timedelta(hours=profile.full_refund_hours)))
    counts = bookings.annotate(late=late).aggregate(
        no_shows=Count("id", filter=Q(status=S.NO_SHOW)),
        by_mentee=Count("id", filter=Q(status=S.CANCELLED, late=True, cancelled_by=F("mentee"))),
        by_mentor=Count("id", filter=Q(status=S.CANCELLED, late=True, cancelled_by=profile.user_id)),
    )

    return MentorAnalytics(
        start=start, end=end, timezone=zone.key, sessions_per_week=sessions_per_week,
        earnings_per_month=earnings, rating_per_month=rating_per_month, no_shows=counts["no_shows"],
        late_cancellations_by_mentee=counts["by_mentee"], late_cancellations_by_mentor=counts["by_mentor"],
        late_window_hours=profile.full_refund_hours, busiest=busiest, by_hour=by_hour, by_weekday=by_weekday,
    )
