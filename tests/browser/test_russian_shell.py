"""The site's shell in Russian, which runs longer than English: no page of the shell and accounts scrolls
sideways at 390 or 1280 px, and a mentor's menu still fits on one line at 1280 px."""

from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.main_pages import MENTOR, STUDENT
from tests.browser.support import watch
from tests.browser.test_no_sideways_scrolling import NAV_ON_ONE_LINE

PASSWORD = "a-long-and-unusual-passphrase"
WIDTHS = (390, 1280)
PAGES = {None: ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/no-such-page/"],
         STUDENT: ["/", "/profile/"], MENTOR: ["/", "/profile/"]}


def test_the_shell_in_russian_fits_a_phone_and_a_laptop(browser, live_server, transactional_db):
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    faults, problems = [], []
    for who, paths in PAGES.items():
        context = browser.new_context(base_url=live_server.url, locale="ru-RU", timezone_id="Europe/Moscow")
        context.set_default_timeout(15_000)
        tab = context.new_page()
        problems.append(watch(tab))
        if who:
            tab.goto("/accounts/login/")
            tab.fill("input[name=login]", who)
            tab.fill("input[name=password]", PASSWORD)
            tab.get_by_role("button", name="Войти").click()
            expect(tab.get_by_test_id("nav-user")).to_be_attached()
        for width in WIDTHS:
            tab.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                tab.goto(path)
                expect(tab.locator("html")).to_have_attribute("lang", "ru")
                scroll_width = tab.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    faults.append(f"{who or 'visitor'} {path} at {width} px is {scroll_width} px wide")
                if width == 1280 and who == MENTOR and not tab.evaluate(NAV_ON_ONE_LINE):
                    faults.append(f"{path} at {width} px: the mentor's menu wraps onto two lines")
        context.close()
    assert faults == []
    assert [error for errors in problems for error in errors] == []
