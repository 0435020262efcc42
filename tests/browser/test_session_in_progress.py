"""A session somebody has joined shows "In progress" on My sessions and on its page, and the badge leads into
the room, on a phone too."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentors.models import MentorProfile, Slot
from sessions_app import services as session_services
from tests.browser.support import screenshot, sideways_overflow, sign_in

PASSWORD = "a-long-and-unusual-passphrase"


def test_the_in_progress_badge_leads_into_the_room(page):
    mentor = User.objects.create_user(email="mara@example.com", password=PASSWORD, full_name="Mara Mentor",
                                      role="mentor")
    profile = MentorProfile.objects.create(user=mentor, title="Staff engineer", price_per_hour=0, status="approved")
    mentee = User.objects.create_user(email="tim@example.com", password=PASSWORD, full_name="Tim Mentee")
    start = timezone.now() - timedelta(minutes=5)
    slot = Slot.objects.create(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
    booking = Booking.objects.create(slot=slot, mentee=mentee, status="scheduled", payment_status="not_required",
                                     price=0, currency="USD", topic="Python interview practice")
    session_services.session_join(booking_id=booking.pk, user=mentor)

    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, mentee.email, PASSWORD)
    page.goto("/sessions/")
    badge = page.get_by_test_id("in-progress")
    expect(badge).to_have_count(1)
    assert sideways_overflow(page) == 0
    screenshot(page, "my-sessions-in-progress-390")
    page.goto(f"/bookings/{booking.pk}/")
    expect(page.get_by_test_id("in-progress")).to_be_visible()
    assert sideways_overflow(page) == 0
    page.get_by_test_id("in-progress").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{booking.pk}/room/$"))
