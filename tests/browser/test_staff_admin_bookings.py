"""Staff work on bookings in the admin: the buttons on a booking's page run the same actions (through the
services) as the list, a form asks first when an answer is needed, the page answers with what happened, and
the staff dashboard's figures follow."""

import re
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
from tests.browser.support import screenshot, sideways_overflow

PASSWORD = "a-long-and-unusual-passphrase"


def mentor_with_hours() -> tuple[MentorProfile, Service]:
    """A priced mentor bookable 09:00–17:00 UTC every day, and the staff member who works on their bookings."""
    mentor = User.objects.create_user(email="ada@example.com", password=PASSWORD, full_name="Ada Admin-Tested",
                                      role="mentor", timezone="UTC")
    profile = MentorProfile.objects.create(user=mentor, title="Go mentor", price_per_hour=2000, status="approved",
                                           timezone="UTC", min_notice_minutes=0)
    service = Service.objects.create(mentor=profile, name="Pairing", duration_minutes=60, price=Decimal("2000"))
    for weekday in range(7):
        WeeklyRule.objects.create(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    User.objects.create_user(email="staff@example.com", password=PASSWORD, full_name="Sue Staff", is_staff=True,
                             is_superuser=True, role="admin", timezone="Europe/Moscow")
    return profile, service


def paid_booking(profile, service, email: str, start) -> Booking:
    mentee = User.objects.create_user(email=email, password=PASSWORD, full_name=email.split("@")[0].title())
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start, service_id=service.pk)
    payment = payment_services.payment_start(booking_id=booking.pk, payer=mentee)
    payment_services.offline_checkout_decide(payment_id=payment.pk, payer=mentee, succeed=True)
    return booking


def staff_sign_in(page) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", "staff@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_staff_move_then_cancel_a_booking_from_its_page(page):
    profile, service = mentor_with_hours()
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = paid_booking(profile, service, "ben@example.com", start)
    payment = Payment.objects.get(booking=booking)
    staff_sign_in(page)
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
    expect(page.locator(".messagelist")).to_contain_text("Cancelled by staff.")
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    assert Payment.objects.get(pk=payment.pk).refunded_amount == Decimal("2000")

    # The same button once more: refused in words, nothing changes.
    page.goto(f"/admin/bookings/booking/{booking.pk}/change/")
    page.get_by_role("button", name="Cancel with a full refund").click()
    expect(page.locator(".messagelist .error")).to_contain_text("A booking that is cancelled cannot be cancelled.")


def figure(page, label: str):
    """This period's value of one row of the staff dashboard's figures table."""
    row = page.get_by_test_id("table-figures").locator("tbody tr").filter(
        has=page.locator("td", has_text=label).first)
    return row.locator("td").nth(1)


def test_staff_find_a_booking_by_the_mentees_e_mail_cancel_it_with_a_full_refund_and_see_the_figures_move(page):
    """Issue 14's walk-through, from the dashboard through the admin and back."""
    profile, service = mentor_with_hours()
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    target = paid_booking(profile, service, "ben@example.com", start)
    other = paid_booking(profile, service, "cleo@example.com", start + timedelta(hours=2))
    staff_sign_in(page)

    page.goto("/staff/")
    expect(figure(page, "Cancelled by staff")).to_have_text("0")
    expect(figure(page, "Refunds (RUB)")).to_have_text("0.00")
    expect(figure(page, "Gross revenue (RUB)")).to_have_text("4000.00")

    # Found by the mentee's e-mail: only Ben's booking is listed.
    page.goto("/admin/bookings/booking/")
    page.fill("#searchbar", "ben@example.com")
    page.locator("#changelist-search").get_by_role("button", name="Search").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    rows.first.locator("th a").click()
    expect(page).to_have_url(re.compile(rf"/admin/bookings/booking/{target.pk}/change/"))

    page.get_by_role("button", name="Cancel with a full refund").click()
    expect(page.locator(".messagelist")).to_contain_text("Cancelled by staff.")
    expect(page).to_have_url(re.compile(rf"/admin/bookings/booking/{target.pk}/change/$"))  # back on its page

    page.goto("/staff/")
    expect(figure(page, "Cancelled by staff")).to_have_text("1")
    expect(figure(page, "Refunds (RUB)")).to_have_text("2000.00")
    expect(figure(page, "Net revenue (RUB)")).to_have_text("2000.00")
    screenshot(page, "staff-dashboard-after-a-refund")
    assert sideways_overflow(page) == 0

    assert Booking.objects.get(pk=target.pk).status == Booking.Status.CANCELLED
    assert Payment.objects.get(booking=target).refunded_amount == Decimal("2000")
    assert Booking.objects.get(pk=other.pk).status == Booking.Status.SCHEDULED  # the other one is untouched


def test_a_mentors_admin_page_with_services_fits_a_laptop_screen(page):
    profile, _service = mentor_with_hours()
    Service.objects.create(mentor=profile, name="Code review", duration_minutes=30, price=Decimal("1000"),
                           description="A long description of what the review covers. " * 20)
    page.set_viewport_size({"width": 1280, "height": 800})
    staff_sign_in(page)
    page.goto(f"/admin/mentors/mentorprofile/{profile.pk}/change/")
    expect(page.locator("#services-group")).to_be_visible()
    screenshot(page, "admin-mentor-profile-1280")
    assert sideways_overflow(page) == 0
