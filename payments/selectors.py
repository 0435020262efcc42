"""Reads of payments: what a payer paid, and what a mentor earned, with flat query counts."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from payments.models import Payment

P = Payment.Status
# Payments where money arrived: what they keep is their amount less what went back.
EARNED = (P.SUCCEEDED, P.PARTIALLY_REFUNDED, P.REFUNDED)
KEPT = ExpressionWrapper(F("amount") - F("refunded_amount"), output_field=DecimalField(max_digits=10,
                                                                                        decimal_places=2))


def payments_made(*, user: User) -> QuerySet[Payment]:
    """The payer's own payments that reached a provider, newest first."""
    return Payment.objects.filter(payer=user).exclude(provider_intent_id=None)


def mentor_earnings(*, user: User) -> QuerySet[Payment]:
    """Money that arrived for sessions in this mentor's slots and for enrollments in the courses they wrote,
    newest first, each with ``kept`` (refunds deducted).

    Only what was paid counts: open, failed and voided intents never held money.
    """
    return (_earned(user).select_related("booking__slot", "booking__service", "booking__mentee",
                                         "enrollment__course", "enrollment__user")
            .annotate(kept=KEPT).order_by("-created_at", "-id"))


def _earned(user: User) -> QuerySet[Payment]:
    # Every reader of a mentor's earnings (the Earnings page and CSV, the dashboard's month, the analytics)
    # starts here, so they all count the same money: sessions and course enrollments.
    return Payment.objects.filter(Q(booking__slot__mentor__user=user) | Q(enrollment__course__author__user=user),
                                  status__in=EARNED)


@dataclass(frozen=True)
class MonthEarnings:
    month: date  # the first day of the month, in the viewer's zone
    currency: str
    payments: int
    paid: Decimal
    refunded: Decimal
    kept: Decimal


def mentor_earnings_by_month(*, user: User, zone: tzinfo | None = None, since: datetime | None = None,
                             until: datetime | None = None) -> list[MonthEarnings]:
    """What the mentor kept per month and currency (the month a payment was made, in ``zone``, by default the
    current one), newest first, optionally only payments made in [since, until). One query; currencies are
    never added together. The earnings page and the mentor's analytics both read it, so they agree."""
    zone = zone or timezone.get_current_timezone()
    earned = _earned(user)
    if since is not None:
        earned = earned.filter(created_at__gte=since)
    if until is not None:
        earned = earned.filter(created_at__lt=until)
    rows = (earned.annotate(month=TruncMonth("created_at", tzinfo=zone)).values("month", "currency")
            .annotate(payments=Count("id"), paid=Sum("amount"), refunded=Sum("refunded_amount"), total=Sum(KEPT))
            .order_by("-month", "currency"))
    return [MonthEarnings(month=timezone.localtime(row["month"], zone).date(), currency=row["currency"],
                          payments=row["payments"], paid=row["paid"], refunded=row["refunded"], kept=row["total"])
            for row in rows]


def mentor_earnings_this_month(*, user: User, now: datetime | None = None) -> tuple[date, list[MonthEarnings]]:
    """The current month of the mentor's own time zone (its first day) and what they kept in it, per currency
    (nothing earned yet: no rows).

    One query, whatever zone is active: the month's bounds are computed in ``user.timezone``.
    """
    try:
        zone = zoneinfo.ZoneInfo(user.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = timezone.localtime(now or timezone.now(), zone)
    start = datetime(local.year, local.month, 1, tzinfo=zone)
    following = start + timedelta(days=32)
    end = datetime(following.year, following.month, 1, tzinfo=zone)
    rows = (_earned(user).filter(created_at__gte=start, created_at__lt=end).values("currency")
            .annotate(payments=Count("id"), paid=Sum("amount"), refunded=Sum("refunded_amount"), total=Sum(KEPT))
            .order_by("currency"))
    return start.date(), [MonthEarnings(month=start.date(), currency=row["currency"], payments=row["payments"],
                                        paid=row["paid"], refunded=row["refunded"], kept=row["total"]) for row in rows]


def totals_by_currency(months: list[MonthEarnings]) -> dict[str, Decimal]:
    """All-time kept money per currency, from the monthly rows (no further query)."""
    totals: dict[str, Decimal] = {}
    for row in months:
        totals[row.currency] = totals.get(row.currency, Decimal("0")) + row.kept
    return totals
