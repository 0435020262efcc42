"""A hand-made data set for the staff overview, seen by staff in Europe/Berlin.

The chosen period is Saturday 24 to Monday 26 October 2026; Berlin leaves summer time on Sunday 25 at 03:00
(UTC+2 → UTC+1), so that Sunday is 25 hours long. The previous period is 21–23 October. Every row sits
where a wrong zone or a fixed offset would move it into another day or out of the period:

| UTC               | Berlin              | what                                                    |
|-------------------|---------------------|---------------------------------------------------------|
| 20 Oct 21:30      | 20 Oct 23:30 (CEST) | a cancellation before both periods: not counted         |
| 22 Oct 10:00      | 22 Oct 12:00        | b10 requested (previous)                                |
| 22 Oct 10:30      | 22 Oct 12:30        | b10 confirmed after 30 min (previous); paid 40 EUR      |
| 23 Oct 12:00      | 23 Oct 14:00        | b10 completed (previous)                                |
| 23 Oct 21:00 hour | 23 Oct 23:00        | 2 searches (previous)                                   |
| 23 Oct 21:30      | 23 Oct 23:30        | b2 requested: the previous period's last day            |
| 23 Oct 22:00 hour | 24 Oct 00:00        | 5 searches (current)                                    |
| 23 Oct 22:30      | 24 Oct 00:30        | b1 requested: the current period's first day            |
| 24 Oct 00:30      | 24 Oct 02:30        | b1 confirmed after 2 h                                  |
| 24 Oct 08:00      | 24 Oct 10:00        | b4 requested; b5, b6, b7, b8, b9 booked at 09:00        |
| 24 Oct 10:00      | 24 Oct 12:00        | b1 paid 100 EUR                                         |
| 24 Oct 21:30      | 24 Oct 23:30 (CEST) | b2 declined after 24 h (counted on the 24th)            |
| 25 Oct 00:00      | 25 Oct 02:00 (CEST) | b11 requested; confirmed 20 min later                   |
| 25 Oct 01:30      | 25 Oct 02:30 (CET)  | b5 completed (after the clocks went back)               |
| 25 Oct 08:00      | 25 Oct 09:00        | b4 expired                                              |
| 25 Oct 12:00      | 25 Oct 13:00        | b7 cancelled by its mentor, b8 by staff, b9 by nobody   |
| 25 Oct 22:30      | 25 Oct 23:30 (CET)  | b3 booked; b5 paid 50 EUR, 20 refunded (25th, not 26th) |
| 26 Oct 10:00      | 26 Oct 11:00        | b3 cancelled by its mentee                              |
| 26 Oct 12:00      | 26 Oct 13:00        | b3 paid 80 USD, all refunded                            |
| 26 Oct 22:00 hour | 26 Oct 23:00 (CET)  | 3 profile views (current)                               |
| 26 Oct 22:30      | 26 Oct 23:30 (CET)  | b6 no-show: still the 26th in Berlin                    |
| 26 Oct 23:00 hour | 27 Oct 00:00        | 7 profile views: after the period                       |
| 26 Oct 23:30      | 27 Oct 00:30        | b11 cancelled by its mentee: after the period           |

Bookings b1, b2, b4, b5, b11 are with mentor Erika (EUR); b3, b6–b10 with mentor Uwe (USD prices, but b10's
payment was in EUR). One pending and an open (pending) payment that never count are there too.
"""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from accounts.tests.factories import MentorUserFactory, StaffFactory, UserFactory
from analytics.models import HourlyCount
from bookings.models import Booking, BookingEvent
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from payments.models import Payment

S = Booking.Status
START, END = datetime(2026, 10, 24).date(), datetime(2026, 10, 26).date()
NOW = datetime(2026, 10, 27, 9, 0, tzinfo=UTC)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


class Builder:
    """Rows with the times the data set says (auto_now_add fields are moved with update())."""

    def __init__(self):
        self.slots = 0

    def booking(self, mentor: MentorProfile, mentee, *, at: datetime, status: str, first: str | None = None,
                currency: str = "EUR") -> Booking:
        self.slots += 1
        slot = SlotFactory(mentor=mentor, start=utc(28, 0) + timedelta(hours=2 * self.slots), seats_taken=1)
        booking = Booking.objects.create(slot=slot, mentee=mentee, status=status, price=Decimal("100.00"),
                                         currency=currency, payment_status="paid")
        Booking.objects.filter(pk=booking.pk).update(created_at=at)
        self.event(booking, to=first or status, source="", at=at, actor=mentee)
        booking.refresh_from_db()
        return booking

    def event(self, booking: Booking, *, to: str, source: str, at: datetime, actor) -> None:
        event = BookingEvent.objects.create(booking=booking, actor=actor, from_status=source, to_status=to)
        BookingEvent.objects.filter(pk=event.pk).update(created_at=at)

    def payment(self, booking: Booking | None, payer, *, amount: str, currency: str, at: datetime,
                status: str = Payment.Status.SUCCEEDED, refunded: str = "0") -> Payment:
        payment = Payment.objects.create(
            payer=payer, booking=booking, description="Session", amount=Decimal(amount), currency=currency,
            provider="offline", provider_intent_id=f"pi_{uuid.uuid4().hex}", idempotency_key=uuid.uuid4().hex,
            expires_at=at + timedelta(hours=1), status=status, refunded_amount=Decimal(refunded))
        Payment.objects.filter(pk=payment.pk).update(created_at=at)
        return payment

    @staticmethod
    def counts(step: str, hour: datetime, count: int) -> None:
        HourlyCount.objects.create(step=step, hour=hour, count=count)


def build() -> dict:
    """The data set; returns the people in it by role."""
    make = Builder()
    viewer = StaffFactory(timezone="Europe/Berlin")
    other_staff = StaffFactory()
    erika = MentorProfileFactory(user=MentorUserFactory(full_name="Erika Eins"), currency="EUR")
    uwe = MentorProfileFactory(user=MentorUserFactory(full_name="Uwe Zwei"), currency="USD")
    anna, ben = UserFactory(full_name="Anna"), UserFactory(full_name="Ben")

    # Before both periods.
    early = make.booking(uwe, anna, at=utc(20, 9), status=S.CANCELLED, first=S.SCHEDULED)
    make.event(early, source=S.SCHEDULED, to=S.CANCELLED, at=utc(20, 21, 30), actor=anna)
    Booking.objects.filter(pk=early.pk).update(created_at=utc(20, 9))

    # The previous period.
    b10 = make.booking(uwe, ben, at=utc(22, 10), status=S.COMPLETED, first=S.REQUESTED)
    make.event(b10, source=S.REQUESTED, to=S.SCHEDULED, at=utc(22, 10, 30), actor=uwe.user)
    make.payment(b10, ben, amount="40.00", currency="EUR", at=utc(22, 10, 40))
    make.event(b10, source=S.SCHEDULED, to=S.COMPLETED, at=utc(23, 12), actor=uwe.user)
    make.counts(HourlyCount.Step.SEARCH, utc(23, 21), 2)
    b2 = make.booking(erika, ben, at=utc(23, 21, 30), status=S.DECLINED, first=S.REQUESTED)

    # The current period.
    make.counts(HourlyCount.Step.SEARCH, utc(23, 22), 5)
    b1 = make.booking(erika, anna, at=utc(23, 22, 30), status=S.SCHEDULED, first=S.REQUESTED)
    make.event(b1, source=S.REQUESTED, to=S.SCHEDULED, at=utc(24, 0, 30), actor=erika.user)
    b4 = make.booking(erika, ben, at=utc(24, 8), status=S.EXPIRED, first=S.REQUESTED)
    b5 = make.booking(erika, anna, at=utc(24, 9), status=S.COMPLETED, first=S.SCHEDULED)
    b6 = make.booking(uwe, anna, at=utc(24, 9), status=S.NO_SHOW, first=S.SCHEDULED)
    b7 = make.booking(uwe, ben, at=utc(24, 9), status=S.CANCELLED, first=S.SCHEDULED)
    b8 = make.booking(uwe, anna, at=utc(24, 9), status=S.CANCELLED, first=S.SCHEDULED)
    b9 = make.booking(uwe, ben, at=utc(24, 9), status=S.CANCELLED, first=S.SCHEDULED)
    make.payment(b1, anna, amount="100.00", currency="EUR", at=utc(24, 10))
    make.event(b2, source=S.REQUESTED, to=S.DECLINED, at=utc(24, 21, 30), actor=erika.user)
    b11 = make.booking(erika, ben, at=utc(25, 0), status=S.CANCELLED, first=S.REQUESTED)
    make.event(b11, source=S.REQUESTED, to=S.SCHEDULED, at=utc(25, 0, 20), actor=erika.user)
    make.event(b5, source=S.SCHEDULED, to=S.COMPLETED, at=utc(25, 1, 30), actor=erika.user)
    make.event(b4, source=S.REQUESTED, to=S.EXPIRED, at=utc(25, 8), actor=None)
    make.event(b7, source=S.SCHEDULED, to=S.CANCELLED, at=utc(25, 12), actor=uwe.user)
    make.event(b8, source=S.SCHEDULED, to=S.CANCELLED, at=utc(25, 12), actor=other_staff)
    make.event(b9, source=S.SCHEDULED, to=S.CANCELLED, at=utc(25, 12), actor=None)
    b3 = make.booking(uwe, ben, at=utc(25, 22, 30), status=S.CANCELLED, first=S.SCHEDULED, currency="USD")
    make.payment(b5, anna, amount="50.00", currency="EUR", at=utc(25, 22, 30),
                 status=Payment.Status.PARTIALLY_REFUNDED, refunded="20.00")
    make.event(b3, source=S.SCHEDULED, to=S.CANCELLED, at=utc(26, 10), actor=ben)
    make.payment(b3, ben, amount="80.00", currency="USD", at=utc(26, 12), status=Payment.Status.REFUNDED,
                 refunded="80.00")
    make.counts(HourlyCount.Step.PROFILE, utc(26, 22), 3)
    make.event(b6, source=S.SCHEDULED, to=S.NO_SHOW, at=utc(26, 22, 30), actor=uwe.user)

    # After the period, and money that never arrived.
    make.counts(HourlyCount.Step.PROFILE, utc(26, 23), 7)
    make.event(b11, source=S.SCHEDULED, to=S.CANCELLED, at=utc(26, 23, 30), actor=ben)
    make.payment(b6, anna, amount="999.00", currency="EUR", at=utc(24, 12), status=Payment.Status.PENDING)
    make.payment(b9, ben, amount="555.00", currency="EUR", at=utc(24, 12), status=Payment.Status.CANCELLED)

    # Two applications waiting, one decided.
    waiting_long = MentorProfileFactory(user=MentorUserFactory(full_name="Petra Pending"),
                                        status=MentorProfile.Status.PENDING)
    MentorProfile.objects.filter(pk=waiting_long.pk).update(created_at=utc(20, 9))
    waiting_short = MentorProfileFactory(user=MentorUserFactory(full_name="Quentin Queued"),
                                         status=MentorProfile.Status.PENDING)
    MentorProfile.objects.filter(pk=waiting_short.pk).update(created_at=utc(26, 21))
    MentorProfileFactory(status=MentorProfile.Status.REJECTED)
    return {"viewer": viewer, "erika": erika, "uwe": uwe, "waiting": [waiting_long, waiting_short]}
