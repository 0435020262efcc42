"""Two people chat live on the conversation page over /ws/chat (Daphne: the WSGI live server has no
WebSockets): each sees the other's message and the read receipt without reloading, "typing…" shows, and
the mentee books a session from the conversation, which then links it. Both pages fit 390 px.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentorhub.testing import daphne
from mentors.models import MentorProfile, Slot
from messaging.models import Message
from tests.browser.support import screenshot, sideways_overflow, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def site(transactional_db):
    with daphne(LIVE_NOTIFICATIONS="true") as server:
        yield server.url


def test_a_mentee_and_a_mentor_chat_live_then_book_from_the_conversation(browser, site):
    mentor = User.objects.create_user(email="nora@example.com", password=PASSWORD, full_name="Nora Mentor",
                                      role="mentor")
    profile = MentorProfile.objects.create(user=mentor, title="Staff engineer", price_per_hour=0, status="approved",
                                           min_notice_minutes=0)
    start = (timezone.now() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    Slot.objects.create(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=1)
    User.objects.create_user(email="mia@example.com", password=PASSWORD, full_name="Mia Mentee")

    mentee_context, mentee, mentee_problems = signed_in(browser, site, PASSWORD, "mia@example.com", width=390)
    mentor_context, nora, mentor_problems = signed_in(browser, site, PASSWORD, "nora@example.com")

    # The mentee writes first, from the mentor's profile (the start page works without JavaScript).
    mentee.goto(f"/mentors/{profile.pk}/")
    mentee.get_by_test_id("message-button").click()
    mentee.get_by_test_id("chat-text").fill("Hi Nora, can we talk about interviews?")
    mentee.get_by_test_id("chat-send").click()
    expect(mentee.get_by_test_id("chat-with")).to_have_text("Nora Mentor")
    expect(mentee.locator("[data-chat]")).to_have_attribute("data-live-state", "open")

    nora.goto("/messages/")
    expect(nora.get_by_test_id("nav-unread-messages")).to_have_text("1")
    nora.get_by_test_id("conversation").click()
    expect(nora.locator("[data-chat]")).to_have_attribute("data-live-state", "open")
    # Opening the conversation read it: the mentee's page says so without reloading.
    first = mentee.get_by_test_id("chat-message").filter(has_text="can we talk about interviews")
    expect(first.locator("[data-seen]")).to_be_visible()

    nora.get_by_test_id("chat-text").press_sequentially("Sure")
    expect(mentee.get_by_test_id("chat-typing")).to_be_visible()
    nora.get_by_test_id("chat-text").fill("Sure, Mia! Pick a time.")
    nora.get_by_test_id("chat-send").click()
    expect(nora.get_by_test_id("chat-text")).to_have_value("")
    reply = mentee.get_by_test_id("chat-message").filter(has_text="Sure, Mia! Pick a time.")
    expect(reply).to_be_visible()
    expect(mentee.get_by_test_id("chat-typing")).to_be_hidden()
    # The mentee's page is visible, so it reads the reply at once and Nora sees the receipt.
    expect(nora.get_by_test_id("chat-message").filter(has_text="Sure, Mia!").locator("[data-seen]")).to_be_visible()

    mentee.get_by_test_id("chat-text").fill("Great, booking now.")
    mentee.get_by_test_id("chat-send").click()
    expect(nora.get_by_test_id("chat-message").filter(has_text="Great, booking now.")).to_be_visible()
    expect(mentee.get_by_test_id("chat-message").filter(has_text="Great, booking now.").locator("[data-seen]")
           ).to_be_visible()
    # Messages into the conversation each page shows pop nothing up there, and reading them read their notices.
    expect(nora.get_by_test_id("live-notice")).to_have_count(0)
    expect(mentee.get_by_test_id("live-notice")).to_have_count(0)
    expect(nora.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications")
    expect(mentee.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications")
    assert sideways_overflow(mentee) == 0
    screenshot(mentee, "chat-mentee-390")
    screenshot(nora, "chat-mentor")

    # Book from the conversation: the booking is linked back in it, live on the mentor's page too.
    mentee.get_by_test_id("chat-book").click()
    mentee.get_by_test_id("bookable-time").first.click()
    mentee.get_by_role("button", name="Confirm booking").click()
    expect(mentee.get_by_test_id("booking-status")).to_be_visible()
    booking = Booking.objects.get()
    note = Message.objects.get(kind=Message.Kind.SYSTEM)
    assert note.booking_id == booking.pk
    expect(nora.get_by_test_id("chat-message").filter(has_text="Booked a session")).to_be_visible()
    mentee.get_by_test_id("message-button").click()
    expect(mentee.get_by_test_id("chat-booking-link")).to_have_attribute("href", f"/bookings/{booking.pk}/")
    mentee.goto("/messages/")
    expect(mentee.get_by_test_id("conversation")).to_contain_text("Nora Mentor")
    assert sideways_overflow(mentee) == 0
    screenshot(mentee, "chat-inbox-390")

    mentee_context.close()
    mentor_context.close()
    assert not mentee_problems and not mentor_problems, "\n".join(mentee_problems + mentor_problems)
