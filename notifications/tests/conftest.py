from datetime import UTC, datetime, time, timedelta

import pytest

from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentors.tests.factories import MentorProfileFactory, SlotFactory, WeeklyRuleFactory

# A Tuesday, well in the future, inside the test mentor's hours (09:00-17:00 UTC).
SESSION_START = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def profile(mentor):
    """An approved mentor, free every day 09:00-17:00 UTC, no notice, booked without confirmation."""
    profile = MentorProfileFactory(user=mentor, timezone="UTC", min_notice_minutes=0)
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    return profile


@pytest.fixture
def booking_at(profile, mentee):
    """``booking_at(start, **fields)``: a paid, scheduled one-hour booking of ``mentee`` with ``mentor``."""

    def make(start: datetime = SESSION_START, **fields) -> Booking:
        slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
        fields = {"mentee": mentee, "payment_status": Booking.PaymentStatus.PAID, **fields}
        return BookingFactory(slot=slot, **fields)

    return make
