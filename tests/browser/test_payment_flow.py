from datetime import time

from playwright.sync_api import expect

from accounts.models import User
from mentors.models import MentorProfile, Service, WeeklyRule
from payments.models import Payment

PASSWORD = "a-long-and-unusual-passphrase"


def test_book_a_paid_session_pay_at_the_offline_checkout_then_cancel_early_and_see_the_refund(page):
    mentor_user = User.objects.create_user(email="pia@example.com", password=PASSWORD, full_name="Pia Paid",
                                           role="mentor", timezone="Europe/Moscow")
    profile = MentorProfile.objects.create(user=mentor_user, title="Rust mentor", price_per_hour=4000,
                                           status="approved", timezone="Europe/Moscow", min_notice_minutes=60)
    Service.objects.create(mentor=profile, name="Pairing", duration_minutes=60, price=4000)
    for weekday in range(7):
        WeeklyRule.objects.create(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(18))
    User.objects.create_user(email="lu@example.com", password=PASSWORD, full_name="Lu Learner",
                             timezone="Europe/Moscow")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", "lu@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # Book a time next week (more than 24 hours ahead, so an early cancellation refunds in full).
    page.goto(f"/mentors/{profile.pk}/")
    page.get_by_role("link", name="Later →").click()
    page.get_by_test_id("bookable-time").first.click()
    # The refund terms and the payment deadline are shown before booking, in the viewer's zone.
    expect(page.get_by_test_id("refund-terms")).to_contain_text("full refund")
    expect(page.get_by_test_id("refund-terms")).to_contain_text("Europe/Moscow")
    expect(page.get_by_test_id("payment-due")).to_contain_text("Pay by")
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Scheduled")

    # Pay at the offline checkout, clearly marked as test mode.
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("pay-amount")).to_contain_text("RUB 4,000.00")
    expect(page.get_by_test_id("refund-terms")).to_contain_text("full refund")
    page.get_by_test_id("start-payment").click()
    expect(page.get_by_test_id("test-mode")).to_contain_text("Test mode")
    expect(page.get_by_test_id("refund-terms")).to_contain_text("no refund")
    expect(page.get_by_test_id("checkout-amount")).to_contain_text("RUB 4,000.00")
    page.get_by_role("button", name="(succeed)").click()
    expect(page.get_by_test_id("payment-result")).to_contain_text("RUB 4,000.00 paid")
    page.get_by_role("link", name="Back to the session").click()
    expect(page.locator("body")).to_contain_text("payment paid")

    # Cancelling early shows, then gives, a full refund.
    expect(page.get_by_test_id("refund-quote")).to_contain_text("RUB 4,000.00 back")
    page.get_by_role("link", name="Cancel session…").click()
    expect(page.get_by_test_id("refund-quote")).to_contain_text("RUB 4,000.00")
    page.get_by_role("button", name="Yes, cancel the session").click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Cancelled")
    expect(page.get_by_test_id("history")).to_contain_text("full refund")
    payment = Payment.objects.get()
    assert (payment.status, payment.refunded_amount) == ("refunded", payment.amount)

    page.get_by_label("Main").get_by_role("link", name="Payments").click()
    expect(page.get_by_test_id("payment-row")).to_contain_text("Refunded")
