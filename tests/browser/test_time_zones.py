"""Every time is shown in the viewer's zone from the very first page, and says which zone it is."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from mentors.models import MentorProfile, Service, Slot
from tests.browser.support import screenshot, sideways_overflow, watch

PASSWORD = "a-long-and-unusual-passphrase"


def mentor_with_a_published_time():
    """A mentor offering one seat tomorrow at 03:00 UTC (12:00 in Tokyo)."""
    user = User.objects.create_user(email="zoe@example.com", password=PASSWORD, full_name="Zoe Zones", role="mentor")
    profile = MentorProfile.objects.create(user=user, title="Zone mentor", price_per_hour=1000, status="approved",
                                           timezone="UTC", min_notice_minutes=0)
    service = Service.objects.create(mentor=profile, name="One-on-one", duration_minutes=60, price=Decimal("1000"))
    start = (timezone.now() + timedelta(days=1)).replace(hour=3, minute=0, second=0, microsecond=0)
    Slot.objects.create(mentor=profile, service=service, start=start, end=start + timedelta(hours=1))
    return profile


def test_a_first_visit_shows_times_in_the_browsers_zone_on_its_first_page(browser, live_server):
    profile = mentor_with_a_published_time()
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        problems = watch(page)
        documents = []
        page.on("framenavigated", lambda frame: frame == page.main_frame and documents.append(frame.url))

        page.goto(f"/mentors/{profile.pk}/")  # one visit; nobody reloads by hand
        expect(page.get_by_test_id("viewer-tz")).to_have_text("Asia/Tokyo")
        expect(page.get_by_test_id("week-tz")).to_have_text("Asia/Tokyo")
        expect(page.get_by_test_id("bookable-time").first).to_have_text("12:00")
        assert len(documents) == 2  # the page as first rendered, then once more in the browser's zone

        page.goto("/mentors/")  # from now on the server knows: no second reload
        expect(page.get_by_test_id("viewer-tz")).to_have_text("Asia/Tokyo")
        assert len(documents) == 3
        assert problems == []
    finally:
        context.close()


def test_a_signed_in_user_is_offered_the_browsers_zone_and_takes_it_in_one_click(page):
    problems = watch(page)
    user = User.objects.create_user(email="uma@example.com", password=PASSWORD, full_name="Uma Utc")  # zone: UTC
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("viewer-tz")).to_have_text("UTC")  # the profile's zone wins, and says so

    page.get_by_test_id("use-browser-tz").click()  # the browser of this test is in Moscow
    expect(page.get_by_test_id("viewer-tz")).to_have_text("Europe/Moscow")
    expect(page.get_by_test_id("use-browser-tz")).to_be_hidden()
    user.refresh_from_db()
    assert user.timezone == "Europe/Moscow"
    assert problems == []


def test_a_booking_page_says_its_times_in_the_viewers_zone_at_both_widths(page):
    from bookings import services

    problems = watch(page)
    profile = mentor_with_a_published_time()
    for weekday in range(7):
        profile.weekly_rules.create(weekday=weekday, start_time="00:00", end_time="23:00")
    mentee = User.objects.create_user(email="taro@example.com", password=PASSWORD, full_name="Taro Tokyo",
                                      timezone="Asia/Tokyo")
    start = (timezone.now() + timedelta(days=2)).replace(hour=5, minute=0, second=0, microsecond=0)
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start,
                                    service_id=profile.services.get().pk)
    services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=start + timedelta(hours=9))

    page.goto("/accounts/login/")
    page.fill("input[name=login]", mentee.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/bookings/{booking.pk}/")
        stamps = page.get_by_test_id("history").locator("time")
        expect(stamps).to_have_count(4)  # two events' stamps, and the move's from and to
        for index in (0, 1, 3):
            expect(stamps.nth(index)).to_contain_text("JST")
        expect(page.get_by_test_id("history-move")).to_contain_text(
            f"{timezone.localtime(start + timedelta(hours=9), ZoneInfo('Asia/Tokyo')):%H:%M} JST")
        assert sideways_overflow(page) == 0
        screenshot(page, f"booking-detail-{width}")
    assert problems == []
