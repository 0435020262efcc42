"""Issue 14's walk-through: a staff member signs in, finds a paid booking by the mentee's e-mail in the admin,
cancels it with a full refund, and sees the staff dashboard's cancellation and refund figures move."""

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


def paid_booking(profile, service, mentee, start) -> Booking:
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start, service_id=service.pk)
    payment = payment_services.payment_start(booking_id=booking.pk, payer=mentee)
    payment_services.offline_checkout_decide(payment_id=payment.pk, payer=mentee, succeed=True)
    return booking


def figure(page, label: str):
    """This period's value of one row of the dashboard's figures table."""
    row = page.get_by_test_id("table-figures").locator("tbody tr").filter(
        has=page.locator("td", has_text=label).first)
    return row.locator("td").nth(1)


def test_staff_find_a_booking_by_the_mentees_e_mail_cancel_it_with_a_full_refund_and_see_the_figures_move(page):
    mentor = User.objects.create_user(email="ada@example.com", password=PASSWORD, full_name="Ada Mentor",
                                      role="mentor", timezone="UTC")
    profile = MentorProfile.objects.create(user=mentor, title="Go mentor", price_per_hour=2000, status="approved",
                                           timezone="UTC", min_notice_minutes=0)
    service = Service.objects.create(mentor=profile, name="Pairing", duration_minutes=60, price=Decimal("2000"))
    for weekday in range(7):
        WeeklyRule.objects.create(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    ben = User.objects.create_user(email="ben@example.com", password=PASSWORD, full_name="Ben Booked")
    cleo = User.objects.create_user(email="cleo@example.com", password=PASSWORD, full_name="Cleo Other")
    start = (timezone.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    target = paid_booking(profile, service, ben, start)
    other = paid_booking(profile, service, cleo, start + timedelta(hours=2))
    User.objects.create_user(email="staff@example.com", password=PASSWORD, full_name="Sue Staff", is_staff=True,
                             is_superuser=True, role="admin", timezone="Europe/Moscow")

    page.goto("/admin/login/")
    page.fill("input[name=username]", "staff@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/staff/")
    expect(figure(page, "Cancelled by staff")).to_have_text("0")
    expect(figure(page, "Refunds (RUB)")).to_have_text("0.00")
    expect(figure(page, "Gross revenue (RUB)")).to_have_text("4000.00")

    # Find it by the mentee's e-mail: only Ben's booking is listed.
    page.goto("/admin/bookings/booking/")
    page.fill("#searchbar", "ben@example.com")
    page.locator("#changelist-search").get_by_role("button", name="Search").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    rows.first.locator("th a").click()
    expect(page).to_have_url(re.compile(rf"/admin/bookings/booking/{target.pk}/change/"))

    page.get_by_role("button", name="Cancel with a full refund").click()
    expect(page.locator(".messagelist")).to_contain_text("Cancelled by the staff")

    page.goto("/staff/")
    expect(figure(page, "Cancelled by staff")).to_have_text("1")
    expect(figure(page, "Refunds (RUB)")).to_have_text("2000.00")
    expect(figure(page, "Net revenue (RUB)")).to_have_text("2000.00")
    screenshot(page, "staff-dashboard-after-a-refund")
    assert sideways_overflow(page) == 0

    assert Booking.objects.get(pk=target.pk).status == Booking.Status.CANCELLED
    assert Payment.objects.get(booking=target).refunded_amount == Decimal("2000")
    assert Booking.objects.get(pk=other.pk).status == Booking.Status.SCHEDULED  # the other one is untouched
