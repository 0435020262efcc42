"""A refused save on the long mentor dashboard is never out of sight: a message at the top, the page scrolled
to the field and the cursor in it; and every label on the dashboard works."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from mentors.models import MentorProfile, Slot
from tests.browser.support import sign_in, watch

PASSWORD = "a-long-and-unusual-passphrase"

IN_VIEW = """el => { const box = el.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight; }"""


def test_a_refused_slot_is_announced_and_its_field_is_scrolled_to_and_focused(page):
    problems = watch(page)
    page.set_viewport_size({"width": 390, "height": 800})  # on a phone the slot form is thousands of px down
    mentor = User.objects.create_user(email="dee@example.com", password=PASSWORD, full_name="Dee Dashboard",
                                      role="mentor", timezone="UTC")
    MentorProfile.objects.create(user=mentor, title="Kotlin mentor", price_per_hour=1500, status="approved",
                                 timezone="UTC")
    sign_in(page, mentor.email, PASSWORD)
    page.goto("/mentor/dashboard/")

    slot_form = page.locator("form[action$='/dashboard/slots/']")
    yesterday = timezone.now() - timedelta(days=1)
    slot_form.locator("input[name$=start]").fill(f"{yesterday:%Y-%m-%d}T10:00")
    slot_form.locator("input[name$=duration_minutes]").fill("60")
    slot_form.get_by_role("button", name="Publish slot").click()

    expect(page.locator(".message.error")).to_contain_text("The slot could not be saved")
    start = page.locator("form[action$='/dashboard/slots/'] input[name$=start]")
    expect(start).to_be_focused()
    assert start.evaluate(IN_VIEW)
    expect(page.locator("form[action$='/dashboard/slots/'] .errorlist")).to_contain_text("cannot start in the past")
    assert not Slot.objects.exists()
    assert problems == []


def test_each_label_on_the_dashboard_focuses_its_own_input(page):
    problems = watch(page)
    mentor = User.objects.create_user(email="lou@example.com", password=PASSWORD, full_name="Lou Labels",
                                      role="mentor")
    MentorProfile.objects.create(user=mentor, title="Elm mentor", price_per_hour=1500, status="approved")
    sign_in(page, mentor.email, PASSWORD)
    page.goto("/mentor/dashboard/")
    # "Duration minutes" is in both the service and the slot form, "Description" in the service and settings.
    for form, label in (("slots", "Duration minutes"), ("services", "Duration minutes"),
                        ("services", "Description"), ("settings", "Description")):
        page.locator(f"form[action$='/dashboard/{form}/'] label", has_text=label).click()
        focused_form = page.evaluate("document.activeElement.form && document.activeElement.form.action")
        assert focused_form.endswith(f"/dashboard/{form}/"), (form, label, focused_form)
    assert problems == []
