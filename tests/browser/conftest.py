"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os

import pytest

from mentorhub.testing import CHROMIUM, HAS_CHROMIUM
from tests.browser.support import watch

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not HAS_CHROMIUM:
        pytest.skip("needs Chromium: apt-get install chromium (or set CHROMIUM_PATH)")
    # Playwright's sync API runs an event loop in this thread; the test itself
    # still talks to the database synchronously, which Django must be told is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Moscow")
    # A returning visitor: the server already knows the browser's zone, so the first page is not
    # reloaded into it (tests/browser/test_time_zones.py covers that first visit).
    context.add_cookies([{"name": "tz", "value": "Europe%2FMoscow", "url": live_server.url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = watch(page)  # every browser test fails on a JavaScript error, whether or not it asks
    yield page
    context.close()
    assert not problems, "JavaScript errors on the pages this test visited:\n" + "\n".join(problems)
