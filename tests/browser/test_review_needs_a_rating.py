"""A review's stars are the mentee's choice: sending the form without choosing publishes nothing."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentors.models import MentorProfile, Slot
from reviews.models import Review
from tests.browser.support import sign_in, watch

PASSWORD = "a-long-and-unusual-passphrase"


def test_an_empty_review_is_refused_and_a_chosen_rating_is_published(page):
    problems = watch(page)
    mentor = User.objects.create_user(email="rex@example.com", password=PASSWORD, full_name="Rex Reviewed",
                                      role="mentor")
    mentee = User.objects.create_user(email="ria@example.com", password=PASSWORD, full_name="Ria Reviewer")
    profile = MentorProfile.objects.create(user=mentor, title="Go mentor", price_per_hour=1000, status="approved")
    start = timezone.now() - timedelta(days=1)
    slot = Slot.objects.create(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
    booking = Booking.objects.create(slot=slot, mentee=mentee, status="completed", payment_status="paid",
                                     price=1000, currency="RUB", topic="Goroutines")

    sign_in(page, mentee.email, PASSWORD)
    page.goto(f"/sessions/{booking.pk}/room/")
    rating = page.get_by_test_id("review-form").locator("select[name=rating]")
    expect(rating).to_have_value("")  # nothing chosen for the mentee
    page.get_by_role("button", name="Send review").click()
    assert rating.evaluate("select => select.validity.valueMissing")
    expect(page.get_by_test_id("review-form")).to_be_visible()
    assert not Review.objects.exists()

    rating.select_option("4")
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_test_id("reviewed")).to_be_visible()
    assert (Review.objects.get().rating, Review.objects.get().comment) == (4, "")
    assert problems == []
