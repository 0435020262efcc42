"""Staff work on one booking from its admin page: the buttons run the same actions (through the services) as the
list, a form asks first when an answer is needed, and the page answers with what happened."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings import services as booking_services
from bookings.models import Booking
from mentors.models import MentorProfile, Service, WeeklyRule
from payments import services as payment_services
from payments.models import Payment
from tests.browser.support import screenshot

PASSWORD = "a-long-and-unusual-passphrase"


def test_staff_move_then_cancel_a_booking_from_its_page(page):
    mentor = User.objects.create_user(email="ada@example.com", password=PASSWORD, full_name="Ada Admin-Tested",
                                      role="mentor", timezone="UTC")
    profile = MentorProfile.objects.create(user=mentor, title="Go mentor", price_per_hour=2000, status="approved",
                                           timezone="UTC", min_notice_minutes=0)
    service = Service.objects.create(mentor=profile, name="Pairing", duration_minutes=60, price=Decimal("2000"))
    for weekday in range(7):
        WeeklyRule.objects.create(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    mentee = User.objects.create_user(email="ben@example.com", password=PASSWORD, full_name="Ben Booked")
    User.objects.create_user(email="staff@example.com", password=PASSWORD, full_name="Sue Staff", is_staff=True,
                             is_superuser=True, role="admin", timezone="Europe/Moscow")
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start, service_id=service.pk)
    payment = payment_services.payment_start(booking_id=booking.pk, payer=mentee)
    payment_services.offline_checkout_decide(payment_id=payment.pk, payer=mentee, succeed=True)

    page.goto("/admin/login/")
    page.fill("input[name=username]", "staff@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    expect(page.get_by_text("Payment received.")).to_be_visible()
    screenshot(page, "admin-booking")

    # Reschedule asks for the new start, in the staff member's own zone (Moscow, UTC+3).
    page.get_by_role("button", name="Reschedule (asks a new start)…").click()
    expect(page.get_by_text("In your time zone, Europe/Moscow")).to_be_visible()
    moved = start + timedelta(days=1, hours=2)
    page.fill("input[name=start]", (moved + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Move").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Booking {booking.pk}: moved to")
    assert Booking.objects.get(pk=booking.pk).slot.start == moved

    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    page.get_by_role("button", name="Cancel with a full refund").click()
    expect(page.locator(".messagelist")).to_contain_text("Cancelled by the staff")
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    assert Payment.objects.get(pk=payment.pk).refunded_amount == Decimal("2000")

    # The same button once more: refused in words, nothing changes.
    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    page.get_by_role("button", name="Cancel with a full refund").click()
    expect(page.locator(".messagelist .error")).to_contain_text("A cancelled booking cannot be cancelled.")
