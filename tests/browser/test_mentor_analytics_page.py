"""A mentor's analytics page in a real browser (issue 14): its charts and tables fit a phone and a laptop,
with no JavaScript errors under the strict CSP."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD, MentorUserFactory, UserFactory
from analytics.tests.test_mentor_analytics import payment, review, session
from bookings.models import Booking
from mentors.tests.factories import MentorProfileFactory
from tests.browser.support import screenshot, sideways_overflow, sign_in


@pytest.fixture
def busy_mentor(transactional_db):
    user = MentorUserFactory(timezone="Europe/Berlin", email="analytics.mentor@example.com")
    profile = MentorProfileFactory(user=user, timezone="Europe/Berlin", currency="EUR")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for i in range(24):
        start = now - timedelta(days=9 * i, hours=i % 7)
        booking = session(profile, start, status=Booking.Status.NO_SHOW if i % 6 == 5 else Booking.Status.COMPLETED,
                          mentee=UserFactory())
        payment(booking, amount=str(40 + i), currency="EUR" if i % 3 else "USD", made=start)
        review(profile, rating=3 + i % 3, written=start)
    return user


@pytest.mark.parametrize("width", [390, 1280])
def test_the_analytics_page_fits_the_screen_with_its_charts_and_numbers(page, busy_mentor, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, busy_mentor.email, TEST_PASSWORD)

    page.goto("/mentor/dashboard/")
    page.get_by_test_id("my-analytics").click()

    expect(page.get_by_role("heading", name="Analytics")).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(6)  # weeks, EUR, USD, rating, hours, weekdays
    expect(page.get_by_test_id("total-sessions")).not_to_have_text("0")
    assert sideways_overflow(page) == 0
    screenshot(page, f"mentor-analytics-{width}")
