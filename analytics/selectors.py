"""The staff overview: every figure of the staff dashboard and of ``GET analytics/overview``.

Both periods are read together in a fixed number of aggregate queries (``OVERVIEW_QUERIES``), whatever the
amount of data: each query covers the previous and the current period at once, grouped by day in the
staff member's zone, and Python sums the days into each period. Days are the viewer's calendar days: a
period's bounds are local midnights, so an event at 23:30 local belongs to that day, and a day with a DST
change is 23 or 25 hours long.

Definitions (the same for both periods):
- created: bookings made in the period (a hold, whether it starts requested or scheduled);
- confirmed, declined: a mentor's answer to a request (requested → scheduled / declined), counted when given;
- completed, no-show, cancelled, expired: the transition, counted when it happened; a cancellation is by
  the mentee, the mentor (the slot's mentor), staff, or the system (no actor), whoever made it;
- no-show rate: no-shows / (completed + no-shows) of those transitions;
- response time: from a request's creation to the mentor's first answer, for answers given in the period;
- money (as in payments.selectors: payments where money arrived, by the day the payment was made, per
  currency; never added across currencies): gross = amounts, refunds = refunded amounts, net = the rest.
  A payment records no refund time, so a refund counts on the day of the payment it returns;
- funnel: searches and profile views (analytics.HourlyCount), holds (bookings created), paid (bookings
  created in the period whose payment went through).
"""

import math
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from analytics.models import HourlyCount
from bookings.models import Booking, BookingEvent
from mentors.models import MentorProfile
from payments.models import Payment
from payments.selectors import EARNED, KEPT

S = Booking.Status
MAX_DAYS = 366
TOP = 10
APPLICATIONS_SHOWN = 25
OVERVIEW_QUERIES = 8  # asserted by the tests, on small and large data


def period_problem(start: date, end: date) -> tuple[str, str] | None:
    """Why ``start``..``end`` cannot be shown, as (field, message), or None."""
    if start > end:
        return "from", _("The period must start on or before its last day.")
    if (end - start).days + 1 > MAX_DAYS:
        return "to", ngettext("A period is at most %(count)d day long.", "A period is at most %(count)d days long.",
                             MAX_DAYS) % {"count": MAX_DAYS}
    return None
CANCELLERS = ("mentee", "mentor", "staff", "system", "other")  # other: an actor none of these (none today)
ZERO = Decimal("0.00")


def _money(value) -> Decimal:
    """Two decimal places whatever the database hands back (SQLite drops trailing zeros)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class Money:
    currency: str
    payments: int = 0
    gross: Decimal = ZERO
    refunds: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.gross - self.refunds


@dataclass
class Figures:
    """One period's figures."""

    created: int = 0
    confirmed: int = 0
    declined: int = 0
    expired: int = 0
    completed: int = 0
    no_shows: int = 0
    cancelled_by: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CANCELLERS, 0))
    responses: int = 0
    response_median: timedelta | None = None
    response_p90: timedelta | None = None
    searches: int = 0
    profile_views: int = 0
    paid: int = 0  # bookings created in the period whose payment went through
    money: dict[str, Money] = field(default_factory=dict)  # by currency

    @property
    def cancelled(self) -> int:
        return sum(self.cancelled_by.values())

    @property
    def no_show_rate(self) -> Decimal | None:
        """A fraction (0.25 = 25 %), or None when no session was held or missed."""
        held = self.completed + self.no_shows
        return (Decimal(self.no_shows) / held).quantize(Decimal("0.0001")) if held else None

    @property
    def holds(self) -> int:
        return self.created


@dataclass
class Day:
    day: date
    created: int = 0
    confirmed: int = 0
    completed: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class TopMentor:
    mentor_id: int
    name: str
    email: str
    completed: int


@dataclass(frozen=True)
class TopEarner:
    mentor_id: int
    name: str
    email: str
    currency: str
    net: Decimal


@dataclass(frozen=True)
class Application:
    mentor_id: int
    name: str
    email: str
    title: str
    applied_at: datetime

    def age(self, now: datetime) -> timedelta:
        return now - self.applied_at


@dataclass
class Overview:
    zone: str
    current: Period
    previous: Period
    now: Figures
    before: Figures
    days: list[Day]  # the current period, every day, in order
    revenue_days: dict[str, list[Money]]  # currency → one Money per day of the current period (currency = day)
    top_by_completed: list[TopMentor]
    top_by_net: list[TopEarner]  # up to TOP per currency
    applications: list[Application]  # the oldest first, at most APPLICATIONS_SHOWN
    applications_waiting: int
    generated_at: datetime


def periods(start: date, end: date) -> tuple[Period, Period]:
    """The chosen period and the one of the same length just before it."""
    length = (end - start).days + 1
    return Period(start, end), Period(start - timedelta(days=length), start - timedelta(days=1))


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def _percentile(values: list[timedelta], share: float) -> timedelta | None:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def staff_overview(*, user: User, start: date, end: date, now: datetime | None = None) -> Overview:
    """Every figure of the staff dashboard for ``start``..``end`` (inclusive days in ``user.timezone``) and
    the period of the same length before it. ``OVERVIEW_QUERIES`` queries, whatever the data.

    Staff only: the caller checks ``user.is_staff`` (the figures cover everyone).
    """
    zone = user_zone(user)
    current, previous = periods(start, end)
    since, until = _midnight(previous.start, zone), _midnight(end + timedelta(days=1), zone)
    boundary = _midnight(current.start, zone)
    figures = {True: Figures(), False: Figures()}  # keyed by "in the current period"
    days = {d: Day(d) for d in current.days}
    local_day = TruncDate("created_at", tzinfo=zone)

    # 1. Every status change in both periods, by day, kind and (for cancellations) who made it.
    who = Case(
        When(actor__isnull=True, then=Value("system")),
        When(actor_id=F("booking__mentee_id"), then=Value("mentee")),
        When(actor_id=F("booking__slot__mentor__user_id"), then=Value("mentor")),
        When(actor__is_staff=True, then=Value("staff")),
        default=Value("other"), output_field=CharField(),
    )
    events = (BookingEvent.objects.filter(created_at__gte=since, created_at__lt=until)
              .exclude(from_status="").exclude(from_status=F("to_status"))
              .annotate(day=local_day, who=who).values("day", "from_status", "to_status", "who")
              .annotate(n=Count("id")).order_by())
    for row in events:
        day, n, to = row["day"], row["n"], row["to_status"]
        period = figures[day >= current.start]
        in_days = days.get(day)
        if to == S.SCHEDULED and row["from_status"] == S.REQUESTED:
            period.confirmed += n
            if in_days:
                in_days.confirmed += n
        elif to == S.DECLINED:
            period.declined += n
        elif to == S.EXPIRED:
            period.expired += n
        elif to == S.COMPLETED:
            period.completed += n
            if in_days:
                in_days.completed += n
        elif to == S.NO_SHOW:
            period.no_shows += n
        elif to == S.CANCELLED:
            period.cancelled_by[row["who"]] += n
            if in_days:
                in_days.cancelled += n

    # 2. Response times: each answer to a request in both periods, with the request's creation.
    answers = (BookingEvent.objects.filter(created_at__gte=since, created_at__lt=until, from_status=S.REQUESTED,
                                           to_status__in=(S.SCHEDULED, S.DECLINED))
               .values_list("created_at", "booking__created_at"))
    waits: dict[bool, list[timedelta]] = {True: [], False: []}
    for answered, asked in answers:
        waits[answered >= boundary].append(answered - asked)
    for key, values in waits.items():
        figures[key].responses = len(values)
        figures[key].response_median = _median(values)
        figures[key].response_p90 = _percentile(values, 0.9)

    # 3. Bookings created (holds) and, of those, paid, by day.
    paid = Exists(Payment.objects.filter(booking=OuterRef("pk"), status__in=EARNED))
    created = (Booking.objects.filter(created_at__gte=since, created_at__lt=until).annotate(day=local_day)
               .values("day").annotate(n=Count("id"), paid=Count("id", filter=Q(paid))).order_by())
    for row in created:
        period = figures[row["day"] >= current.start]
        period.created += row["n"]
        period.paid += row["paid"]
        if row["day"] in days:
            days[row["day"]].created += row["n"]

    # 4. Money by day and currency (bookings and course enrolments alike).
    revenue_days: dict[str, dict[date, Money]] = {}
    money = (Payment.objects.filter(status__in=EARNED, created_at__gte=since, created_at__lt=until)
             .annotate(day=local_day).values("day", "currency")
             .annotate(n=Count("id"), gross=Sum("amount"), refunds=Sum("refunded_amount")).order_by())
    for row in money:
        period = figures[row["day"] >= current.start]
        total = period.money.setdefault(row["currency"], Money(row["currency"]))
        total.payments += row["n"]
        total.gross += _money(row["gross"])
        total.refunds += _money(row["refunds"])
        if row["day"] >= current.start:
            by_day = revenue_days.setdefault(row["currency"], {})
            by_day[row["day"]] = Money(row["currency"], row["n"], _money(row["gross"]), _money(row["refunds"]))
    for period in figures.values():  # both periods list the same currencies, in order
        for currency in sorted(set(figures[True].money) | set(figures[False].money)):
            period.money.setdefault(currency, Money(currency))
        period.money = dict(sorted(period.money.items()))

    # 5. Searches and profile views, stored per UTC hour, summed into local days.
    counts = (HourlyCount.objects.filter(hour__gte=since, hour__lt=until)
              .annotate(day=TruncDate("hour", tzinfo=zone)).values("day", "step")
              .annotate(n=Sum("count")).order_by())
    for row in counts:
        period = figures[row["day"] >= current.start]
        if row["step"] == HourlyCount.Step.SEARCH:
            period.searches += row["n"]
        else:
            period.profile_views += row["n"]

    # 6. Top mentors by bookings completed in the current period.
    top_completed = (BookingEvent.objects.filter(created_at__gte=boundary, created_at__lt=until,
                                                 to_status=S.COMPLETED)
                     .values("booking__slot__mentor_id", "booking__slot__mentor__user__full_name",
                             "booking__slot__mentor__user__email")
                     .annotate(n=Count("id")).order_by("-n", "booking__slot__mentor_id")[:TOP])

    # 7. Top mentors by net revenue in the current period, ranked within each currency.
    top_net = (Payment.objects.filter(status__in=EARNED, created_at__gte=boundary, created_at__lt=until,
                                      booking__isnull=False)
               .values("booking__slot__mentor_id", "booking__slot__mentor__user__full_name",
                       "booking__slot__mentor__user__email", "currency")
               .annotate(net=Sum(KEPT))
               .annotate(rank=Window(RowNumber(), partition_by=F("currency"),
                                     order_by=(F("net").desc(), F("booking__slot__mentor_id").asc())))
               .filter(rank__lte=TOP).order_by("currency", "rank"))

    # 8. Mentor applications waiting for staff, the oldest first, with how many there are in all.
    waiting = list(MentorProfile.objects.filter(status=MentorProfile.Status.PENDING)
                   .annotate(total=Window(Count("id")))
                   .values("id", "user__full_name", "user__email", "title", "created_at", "total")
                   .order_by("created_at", "id")[:APPLICATIONS_SHOWN])

    revenue = {currency: [by_day.get(d, Money(currency)) for d in current.days]
               for currency, by_day in sorted(revenue_days.items())}
    return Overview(
        zone=zone.key, current=current, previous=previous, now=figures[True], before=figures[False],
        days=list(days.values()), revenue_days=revenue,
        top_by_completed=[TopMentor(r["booking__slot__mentor_id"], r["booking__slot__mentor__user__full_name"],
                                    r["booking__slot__mentor__user__email"], r["n"]) for r in top_completed],
        top_by_net=[TopEarner(r["booking__slot__mentor_id"], r["booking__slot__mentor__user__full_name"],
                              r["booking__slot__mentor__user__email"], r["currency"], _money(r["net"]))
                    for r in top_net],
        applications=[Application(r["id"], r["user__full_name"], r["user__email"], r["title"], r["created_at"])
                      for r in waiting],
        applications_waiting=waiting[0]["total"] if waiting else 0,
        generated_at=now or timezone.now(),
    )
