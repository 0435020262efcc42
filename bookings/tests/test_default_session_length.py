"""A mentor's default session length is the length of whatever is booked or published without one."""

from datetime import UTC, datetime, timedelta

import pytest

from bookings import services as booking_services
from mentors import selectors
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor_profile(mentor):
    return MentorProfileFactory(user=mentor, timezone="UTC", min_notice_minutes=0)


def test_a_mentor_without_services_offers_and_books_their_default_session_length(mentee, mentor_profile):
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(default_session_minutes=30)
    mentor_profile.refresh_from_db()
    for weekday in range(7):
        WeeklyRuleFactory(mentor=mentor_profile, weekday=weekday)
    day = (datetime.now(UTC) + timedelta(days=3)).replace(hour=0, minute=0, second=0, microsecond=0)
    times = selectors.bookable_times(mentor=mentor_profile, window_start=day, window_end=day + timedelta(days=1))
    assert times and all(t.end - t.start == timedelta(minutes=30) for t in times)
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=mentor_profile.pk, start=times[1].start)
    assert booking.slot.end - booking.slot.start == timedelta(minutes=30)
