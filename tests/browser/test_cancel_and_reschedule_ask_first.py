"""Cancelling and rescheduling ask first: the refund, or the new time in the viewer's zone, is shown before
anything changes, and backing out changes nothing."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings import services as booking_services
from mentors.models import MentorProfile, Service, WeeklyRule
from payments import services as payment_services
from tests.browser.support import sign_in, watch

PASSWORD = "a-long-and-unusual-passphrase"


def test_cancel_shows_the_refund_and_reschedule_the_new_time_before_anything_changes(page):
    problems = watch(page)
    mentor = User.objects.create_user(email="cam@example.com", password=PASSWORD, full_name="Cam Careful",
                                      role="mentor", timezone="UTC")
    profile = MentorProfile.objects.create(user=mentor, title="Rust mentor", price_per_hour=2000, status="approved",
                                           timezone="UTC", min_notice_minutes=0, full_refund_hours=24)
    service = Service.objects.create(mentor=profile, name="Code review", duration_minutes=60, price=Decimal("2000"))
    for weekday in range(7):
        WeeklyRule.objects.create(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    mentee = User.objects.create_user(email="tia@example.com", password=PASSWORD, full_name="Tia Tentative",
                                      timezone="Asia/Tokyo")
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start, service_id=service.pk)
    payment = payment_services.payment_start(booking_id=booking.pk, payer=mentee)
    payment_services.offline_checkout_decide(payment_id=payment.pk, payer=mentee, succeed=True)

    sign_in(page, mentee.email, PASSWORD)
    page.goto(f"/bookings/{booking.pk}/")

    # Cancel: the first click only shows what comes back; "keep it" changes nothing.
    page.get_by_role("link", name="Cancel session…").click()
    expect(page.get_by_test_id("refund-quote")).to_contain_text("RUB 2,000.00")
    expect(page.get_by_test_id("refund-quote")).to_contain_text("full refund")
    booking.refresh_from_db()
    assert booking.status == "scheduled"
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Scheduled")

    # Reschedule: choosing a time shows the move, in Tokyo time and saying so, before it happens.
    page.get_by_role("link", name="Reschedule…").click()
    page.get_by_role("link", name="Later →").click()  # a week out: still inside the full-refund window
    chip = page.get_by_test_id("new-time").nth(2)
    chosen = chip.get_attribute("title")  # e.g. "Friday 27 November, 19:00": the chip's day and time
    chip.click()
    day, clock = chosen.split(", ")
    expect(page.get_by_test_id("chosen-time")).to_contain_text(day)
    expect(page.get_by_test_id("chosen-time")).to_contain_text(f"{clock}–")
    expect(page.get_by_test_id("chosen-zone")).to_have_text("Asia/Tokyo")
    booking.refresh_from_db()
    assert booking.slot.start == start
    page.get_by_test_id("confirm-move").click()
    expect(page.locator(".message.success")).to_contain_text("Moved")
    booking.refresh_from_db()
    assert booking.slot.start != start and booking.status == "scheduled"

    # Cancel for real, with a reason: the refund shown is the refund given.
    page.get_by_role("link", name="Cancel session…").click()
    expect(page.get_by_test_id("refund-quote")).to_contain_text("RUB 2,000.00")
    page.get_by_label("Reason (optional, shared with the other side)").fill("Plans changed")
    page.get_by_role("button", name="Yes, cancel the session").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Cancelled")
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert (booking.cancellation_reason, payment.refunded_amount) == ("Plans changed", Decimal("2000"))
    assert problems == []
