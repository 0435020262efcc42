"""The staff dashboard reads on a phone and a laptop: no sideways scrolling, the charts and their tables in
view, the menu on one line at 1280 px, and the period picker works."""

from playwright.sync_api import expect

from analytics.tests import dataset
from tests.browser.support import screenshot, sideways_overflow
from tests.browser.test_no_sideways_scrolling import NAV_ON_ONE_LINE

PASSWORD = "a-long-and-unusual-passphrase"


def sign_in_staff(page, user) -> None:
    """Through the site's login form (staff land on the admin index, which links to the dashboard)."""
    user.set_password(PASSWORD)
    user.save()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("#staff-dashboard-link")).to_be_visible()
    page.locator("#staff-dashboard-link").get_by_role("link", name="Staff dashboard").click()
    expect(page.get_by_test_id("nav-staff")).to_have_class("nav-staff active")


def test_the_staff_dashboard_fits_a_phone_and_a_laptop(page):
    viewer = dataset.build()["viewer"]
    viewer.full_name = "Maximiliane Mustermann-Schulz"  # a long name: the menu must still fit on one line
    sign_in_staff(page, viewer)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/staff/?from=2026-10-24&to=2026-10-26")
        expect(page.get_by_role("heading", name="Staff dashboard")).to_be_visible()
        expect(page.locator("svg.chart")).to_have_count(4)
        expect(page.get_by_test_id("table-bookings-per-day")).to_contain_text("25 Oct 2026")
        screenshot(page, f"staff-dashboard-{width}")
        assert sideways_overflow(page) == 0, f"/staff/ scrolls sideways at {width} px"
        if width == 1280:
            assert page.evaluate(NAV_ON_ONE_LINE), "the staff menu wraps onto two lines at 1280 px"


def test_the_period_picker_and_the_presets_change_the_period(page, staff):
    sign_in_staff(page, staff)
    page.get_by_label("From").fill("2026-10-24")
    page.get_by_label("To").fill("2026-10-26")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".page-head p")).to_contain_text("24 Oct 2026 – 26 Oct 2026")
    page.get_by_test_id("preset-7").click()
    expect(page.get_by_test_id("table-bookings-per-day").locator("tbody tr")).to_have_count(7)
