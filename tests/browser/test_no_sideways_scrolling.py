"""No main page scrolls sideways on a phone or a laptop, and a mentor's menu fits on one line at 1280 px.

Every page of tests/browser/main_pages.py (the screenshot set) is opened as the person who uses it, with
demo data that fills it, at 360, 390, 1000 and 1280 px, in English and in Russian (whose words run longer)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from tests.browser.main_pages import MENTOR, demo_sessions
from tests.browser.support import screenshot, sideways_overflow, sign_in, signed_in, watch

PASSWORD = "a-long-and-unusual-passphrase"
WIDTHS = (360, 390, 1000, 1280)  # phones, a small laptop or tablet with the collapsed menu, a laptop
ZONES = {None: "Europe/Moscow", MENTOR: "America/New_York"}

# On one line, every item of the menu overlaps the first one vertically (their heights differ).
NAV_ON_ONE_LINE = """() => { const items = [...document.querySelectorAll('#site-nav > *')].filter(el => el.offsetParent)
    .map(el => el.getBoundingClientRect());
  return items.length > 1 && items.every(box => box.top < items[0].bottom && box.bottom > items[0].top); }"""


@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_no_main_page_is_wider_than_the_screen(browser, live_server, transactional_db, locale):
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    pages = demo_sessions()
    faults, problems = [], []  # problems: each tab's own list of JavaScript errors
    for who in dict.fromkeys(page.who for page in pages):
        context = browser.new_context(base_url=live_server.url, timezone_id=ZONES.get(who, "Europe/Moscow"),
                                      locale=locale)
        tab = context.new_page()
        problems.append(watch(tab))
        if who:
            sign_in(tab, who, PASSWORD)
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 800})
            for page in (p for p in pages if p.who == who):
                try:
                    status = tab.goto(page.path).status
                except PlaywrightError as exc:  # Chromium refuses to show an empty error answer
                    status = exc.message.splitlines()[0]
                if status != 200:
                    faults.append(f"{page.name}: {status}")
                    continue
                scroll_width = tab.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    faults.append(f"{page.name} at {width} px is {scroll_width} px wide")
                if width == 1280 and who == MENTOR and not tab.evaluate(NAV_ON_ONE_LINE):
                    faults.append(f"{page.name} at {width} px: the mentor's menu wraps onto two lines")
        context.close()
    assert faults == []
    assert [error for errors in problems for error in errors] == []


def test_a_session_whose_topic_is_one_long_unbroken_word_still_fits_a_phone(browser, live_server, transactional_db):
    from accounts.tests.factories import UserFactory
    from bookings.tests.factories import BookingFactory

    mentee = UserFactory(email="long@example.com", password=PASSWORD)
    booking = BookingFactory(mentee=mentee, topic="Request 0 to http://127.0.0.1:8102/mentors/16/?" + "x" * 80)
    context, tab, problems = signed_in(browser, live_server.url, PASSWORD, mentee.email, width=390)
    for path in (f"/bookings/{booking.pk}/", f"/sessions/{booking.pk}/room/"):
        assert tab.goto(path).status == 200
        screenshot(tab, "long-topic-" + path.strip("/").replace("/", "-"))
        assert sideways_overflow(tab) == 0, path
    context.close()
    assert problems == []
