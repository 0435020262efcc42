"""Helpers for browser tests: every test listens for JavaScript errors, and signs in through the real form."""

import os
import re

from playwright.sync_api import expect

SIGN_IN = re.compile(r"^(Sign In|Войти)$")  # the login button in either language


def watch(page) -> list[str]:
    """Every console error and uncaught exception the page produces from now on (assert it stays empty).

    Chromium also logs the status of a page that answers 4xx, e.g. a form sent back with its errors as a
    400; that is the page itself, which tests check by what it shows, not a script or an asset failing."""
    problems: list[str] = []

    def console(message):
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        problems.append(f"{page.url}: console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: uncaught: {error}"))
    return problems


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name=SIGN_IN).click()
    # Staff land on the admin index (accounts/adapter.py), which has its own header.
    expect(page.get_by_test_id("nav-user").or_(page.locator("#user-tools"))).to_be_attached()


def signed_in(browser, base_url: str, password: str, email: str, *, width: int = 1280):
    """A browser of its own for one person, signed in: (context, page, the JavaScript errors it collects)."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = watch(page)
    sign_in(page, email, password)
    return context, page, problems


def sideways_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the viewport)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot as ``$BROWSER_SCREENSHOTS/<name>.png`` when that variable names a folder."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
