"""A Russian-speaking visitor's whole way, in a browser that asks for Russian: sign up, search, book, pay and
open the room. On every page the visible text is Russian: no English word is left beyond names and data
(the people's names, the mentor's skills and what they wrote, the brand, the zone's name)."""

import re
from datetime import time

from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentors.models import MentorProfile, Service, Skill, WeeklyRule
from payments.models import Payment
from tests.browser.support import screenshot, sideways_overflow, watch

PASSWORD = "a-long-and-unusual-passphrase"
# What may stay in Latin letters on a Russian page: data, not interface.
DATA = {
    "MentorHub",  # the brand
    "English",  # the language switcher names each language in itself
    "Python",  # the mentor's skill
    "Europe", "Moscow", "MSK",  # the viewer's time zone
    "nina", "example", "com",  # the mentee's e-mail address, shown as data
    "API", "ReDoc",  # the footer's links to the developer documentation
    "pyth",  # the search hint's example of what to type
    "Google", "ics",  # "Google Календарь" and the .ics file: a product's name and a file type
    "UTC",  # the zone's offset, "UTC+03:00"
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# A word said twice in a row: a translation that repeats what the page's script writes next to it.
STUTTER = re.compile(r"\b(\w{3,})[ \t]+\1\b")


def english_on(page) -> list[str]:
    """The Latin-letter words in the visible page that are not data."""
    text = page.locator("body").inner_text()
    return sorted({word for word in LATIN_WORD.findall(text) if word not in DATA})


def test_a_russian_speaker_signs_up_searches_books_pays_and_opens_the_room_all_in_russian(browser, live_server,
                                                                                           transactional_db):
    mentor = User.objects.create_user(email="alexey@example.com", password=PASSWORD, full_name="Алексей Смирнов",
                                      role="mentor", timezone="Europe/Moscow", language="ru")
    profile = MentorProfile.objects.create(
        user=mentor, title="Наставник по бэкенду", description="Помогаю писать понятный и надёжный код.",
        price_per_hour=3000, status="approved", timezone="Europe/Moscow", min_notice_minutes=60)
    profile.skills.add(Skill.objects.create(name="Python", slug="python"))
    Service.objects.create(mentor=profile, name="Разбор кода", duration_minutes=60, price=3000)
    for weekday in range(7):
        WeeklyRule.objects.create(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(18))

    context = browser.new_context(base_url=live_server.url, locale="ru-RU", timezone_id="Europe/Moscow")
    context.add_cookies([{"name": "tz", "value": "Europe%2FMoscow", "url": live_server.url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = watch(page)
    seen = {}

    def look(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        seen[name] = english_on(page)
        stutter = STUTTER.search(page.locator("body").inner_text())
        assert stutter is None, f"{name}: {stutter.group(0)!r}"
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            assert sideways_overflow(page) == 0, f"{name} scrolls sideways at {width} px"
            screenshot(page, f"ru-{name}-{width}")

    # Sign up.
    page.goto("/")
    look("home")
    page.goto("/accounts/signup/")
    look("signup")
    page.fill("input[name=full_name]", "Нина Новикова")
    page.fill("input[name=email]", "nina@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("nav-user")).to_have_count(0)
    look("check-your-mail")
    assert User.objects.get(email="nina@example.com").language == "ru"
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "nina@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_test_id("nav-user")).to_contain_text("Нина Новикова")
    look("home-signed-in")

    # Search.
    page.locator("#site-nav a[href='/mentors/']").click()
    page.fill("input[name=q]", "Python")
    page.locator("main form.filters button[type=submit]").click()
    expect(page.get_by_test_id("mentor-card")).to_have_count(1)
    look("search")

    # Book a time next week.
    page.get_by_test_id("mentor-card").get_by_role("link", name="Алексей Смирнов").click()
    look("mentor")
    page.get_by_test_id("next-week").click()
    page.get_by_test_id("bookable-time").first.click()
    expect(page.get_by_test_id("booking-summary")).to_contain_text("Разбор кода")
    expect(page.get_by_test_id("booking-summary")).to_contain_text("3 000 ₽")
    look("book")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_test_id("booking-status")).to_have_text("Запланирована")
    look("booking")

    # Pay at the offline checkout.
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("pay-amount")).to_contain_text("3 000 ₽")
    look("pay")
    page.get_by_test_id("start-payment").click()
    look("checkout")
    page.locator("button[name=outcome][value=succeed]").click()
    expect(page.get_by_test_id("payment-result")).to_contain_text("3 000 ₽")
    look("paid")
    assert Payment.objects.get().status == "succeeded"

    # The room: not open yet, and says when it opens.
    booking = Booking.objects.get()
    page.goto(f"/sessions/{booking.pk}/room/")
    expect(page.get_by_test_id("room-closed")).to_be_visible()
    look("room")

    context.close()
    assert {name: words for name, words in seen.items() if words} == {}
    assert problems == []
