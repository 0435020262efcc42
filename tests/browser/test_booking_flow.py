from datetime import time

from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentors.models import MentorProfile, Service, WeeklyRule

PASSWORD = "a-long-and-unusual-passphrase"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("nav-user")).to_be_visible()


def test_a_mentee_books_the_mentor_confirms_then_the_mentee_reschedules_and_cancels(page, browser, live_server):
    mentor_user = User.objects.create_user(email="mara@example.com", password=PASSWORD, full_name="Mara Mentor",
                                           role="mentor", timezone="Europe/Moscow")
    profile = MentorProfile.objects.create(user=mentor_user, title="Go mentor", price_per_hour=2000, status="approved",
                                           timezone="Europe/Moscow", requires_confirmation=True, min_notice_minutes=60)
    Service.objects.create(mentor=profile, name="Code review", duration_minutes=60, price=2000)
    for weekday in range(7):
        WeeklyRule.objects.create(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(18))
    User.objects.create_user(email="tim@example.com", password=PASSWORD, full_name="Tim Mentee",
                             timezone="Europe/Moscow")

    # The mentee picks a time on the profile, adds a topic and sends the request.
    sign_in(page, "tim@example.com")
    page.goto(f"/mentors/{profile.pk}/")
    page.get_by_role("link", name="Later →").click()  # next week: whole days of free time
    page.get_by_test_id("bookable-time").first.click()
    expect(page.get_by_test_id("booking-summary")).to_contain_text("Code review")
    page.fill("input[name=topic]", "Review my Go service")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Requested")
    booking = Booking.objects.get()
    assert (booking.status, booking.topic, booking.mentee.email) == ("requested", "Review my Go service",
                                                                      "tim@example.com")

    # The mentor confirms it from the request inbox, in another browser.
    mentor_context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Moscow")
    mentor_page = mentor_context.new_page()
    sign_in(mentor_page, "mara@example.com")
    mentor_page.get_by_role("link", name="Requests").click()
    row = mentor_page.get_by_test_id("request-row")
    expect(row).to_contain_text("Tim Mentee")
    expect(row).to_contain_text("left")  # the countdown
    row.get_by_role("button", name="Confirm").click()
    expect(mentor_page.locator(".message.success")).to_contain_text("Confirmed")
    mentor_context.close()

    # The mentee sees it upcoming, scheduled.
    page.get_by_label("Main").get_by_role("link", name="My sessions").click()
    expect(page.get_by_test_id("session-row")).to_have_count(1)
    expect(page.get_by_test_id("session-status")).to_have_text("Scheduled")

    # Reschedule to another time.
    page.get_by_test_id("session-row").get_by_role("link").click()
    before = page.get_by_test_id("booking-when").inner_text()
    page.get_by_role("link", name="Reschedule…").click()
    page.get_by_test_id("new-time").nth(3).click()
    page.get_by_test_id("confirm-move").click()
    expect(page.locator(".message.success")).to_contain_text("Moved")
    expect(page.get_by_test_id("booking-when")).not_to_have_text(before)
    expect(page.get_by_test_id("history")).to_contain_text("Moved from")
    booking.refresh_from_db()
    assert booking.status == "scheduled" and booking.ical_sequence == 1

    # Then cancel, with a reason.
    page.get_by_role("link", name="Cancel session…").click()
    page.get_by_test_id("cancel-form").locator("textarea").fill("Something came up")
    page.get_by_role("button", name="Yes, cancel the session").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Cancelled")
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == ("cancelled", "Something came up")
    assert booking.slot.seats_taken == 0
