"""The session chat in the room, live over /ws/chat (Daphne: the WSGI live server has no WebSockets): the
mentor and two mentees of a group session each see the others' messages without reloading, the room's
page fits 390 px, and the booking page keeps the transcript to read.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentorhub.testing import daphne
from mentors.models import MentorProfile, Slot
from sessions_app.models import SessionMessage
from tests.browser.support import screenshot, sideways_overflow, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def site(transactional_db):
    with daphne(LIVE_NOTIFICATIONS="true") as server:
        yield server.url


def _seat(slot, email, name) -> Booking:
    mentee = User.objects.create_user(email=email, password=PASSWORD, full_name=name)
    return Booking.objects.create(slot=slot, mentee=mentee, status="scheduled", payment_status="not_required",
                                  price=0, currency="RUB", topic="Interview practice")


def _say(page, text):
    page.get_by_test_id("session-chat-text").fill(text)
    page.get_by_test_id("session-chat-send").click()
    expect(page.get_by_test_id("session-chat-text")).to_have_value("")


def test_the_mentor_and_the_mentees_of_a_group_session_chat_live_in_the_room(browser, site):
    mentor = User.objects.create_user(email="nora@example.com", password=PASSWORD, full_name="Nora Mentor",
                                      role="mentor")
    profile = MentorProfile.objects.create(user=mentor, title="Staff engineer", price_per_hour=0, status="approved",
                                           min_notice_minutes=0)
    start = (timezone.now() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    slot = Slot.objects.create(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=3,
                               seats_taken=2)
    mia = _seat(slot, "mia@example.com", "Mia Mentee")
    gus = _seat(slot, "gus@example.com", "Gus Groupmate")

    people = [signed_in(browser, site, PASSWORD, "mia@example.com", width=390),
              signed_in(browser, site, PASSWORD, "nora@example.com"),
              signed_in(browser, site, PASSWORD, "gus@example.com")]
    (_, mentee, _), (_, nora, _), (_, groupmate, _) = people
    for page, booking in ((mentee, mia), (nora, mia), (groupmate, gus)):
        page.goto(f"/sessions/{booking.pk}/room/")
        expect(page.locator("[data-session-chat]")).to_have_attribute("data-live-state", "open")

    _say(mentee, "Hi Nora, hi Gus!")
    for page in (nora, groupmate):
        arrived = page.get_by_test_id("session-chat-message").filter(has_text="Hi Nora, hi Gus!")
        expect(arrived).to_be_visible()
        expect(arrived.get_by_test_id("session-chat-sender")).to_have_text("Mia Mentee")
    _say(nora, "Welcome both. We start at the hour.")
    _say(groupmate, "Looking forward to it")
    for page in (mentee, nora, groupmate):
        expect(page.get_by_test_id("session-chat-message")).to_have_count(3)
        expect(page.get_by_test_id("session-chat-message").last).to_contain_text("Looking forward to it")
    expect(mentee.get_by_test_id("session-chat-message").first).to_have_class("chat-message mine")
    assert SessionMessage.objects.filter(slot=slot).count() == 3
    # An empty message is refused on the page itself; nothing is sent.
    mentee.get_by_test_id("session-chat-send").click()
    expect(mentee.get_by_test_id("session-chat-error")).to_have_text("Write something first.")
    assert sideways_overflow(mentee) == 0
    screenshot(mentee, "session-chat-mentee-390")
    screenshot(nora, "session-chat-mentor")

    # Kept with the booking, to read later.
    mentee.goto(f"/bookings/{mia.pk}/")
    expect(mentee.get_by_test_id("session-chat-message")).to_have_count(3)
    assert sideways_overflow(mentee) == 0
    screenshot(mentee, "session-chat-booking-390")

    for context, _page, _problems in people:
        context.close()
    problems = [problem for _c, _p, found in people for problem in found]
    assert not problems, "\n".join(problems)
