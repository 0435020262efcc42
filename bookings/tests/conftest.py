from datetime import time, timedelta

import pytest
from django.utils import timezone

from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory


@pytest.fixture
def profile(mentor):
    """An approved mentor, free every day 09:00-17:00 UTC, no notice, no buffer, booked without confirmation."""
    profile = MentorProfileFactory(user=mentor, timezone="UTC", min_notice_minutes=0)
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    return profile


@pytest.fixture
def service(profile):
    return ServiceFactory(mentor=profile, duration_minutes=60)


@pytest.fixture
def tomorrow_10():
    return (timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def one_seat_slot(profile, tomorrow_10):
    return SlotFactory(mentor=profile, start=tomorrow_10, end=tomorrow_10 + timedelta(hours=1), capacity=1)


@pytest.fixture
def group_slot(profile, tomorrow_10):
    start = tomorrow_10 + timedelta(hours=3)
    return SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=5)
