"""The bell keeps itself current over /ws/notifications: a notice created while a page is open shows up there,
the unread count with it, without a reload; marking notices read elsewhere brings the count down.

pytest-django's live server speaks WSGI only, so these tests start Daphne on the test database (the
video room's fixture) with LIVE_NOTIFICATIONS on. Without Redis each process has its own in-memory
channel layer, so the notice is created inside the server (a booking over the API); with Redis a notice
sent by this test process reaches the page too, as one from a worker or another web process would.
"""

import json
import time
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from mentorhub import testing
from mentorhub.testing import requires_redis
from mentors.models import MentorProfile, Slot
from notifications import services
from notifications.models import Notification
from tests.browser.support import screenshot, sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def daphne(transactional_db):
    """Restartable: a test stops and starts it again."""
    with testing.daphne(LIVE_NOTIFICATIONS="true") as server:
        yield server


@pytest.fixture
def site(daphne):
    return daphne.url


@pytest.fixture
def mentor_page(browser, site):
    user = User.objects.create_user(email="nora@example.com", password=PASSWORD, full_name="Nora Notified",
                                    role="mentor", timezone="Europe/Berlin")
    profile = MentorProfile.objects.create(user=user, title="Mentor", price_per_hour=1000, status="approved",
                                           timezone="Europe/Berlin", min_notice_minutes=0)
    Notification.objects.create(user=user, kind="welcome", title="Welcome to MentorHub")
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = watch(page)
    sign_in(page, "nora@example.com", PASSWORD)
    page.goto("/mentors/")
    bell = page.get_by_test_id("bell")
    expect(bell).to_have_attribute("data-live-state", "open")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    yield page, user, profile, problems
    context.close()
    assert not problems, "JavaScript errors on the pages this test visited:\n" + "\n".join(problems)


def call(site: str, path: str, user: User, body: dict | None = None) -> dict:
    request = urllib.request.Request(f"{site}{path}", method="POST", data=json.dumps(body or {}).encode(), headers={
        "Authorization": f"Bearer {AccessToken.for_user(user)}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_booking_made_while_the_mentor_has_a_page_open_rings_the_bell_there(mentor_page, site):
    page, mentor, profile, _ = mentor_page

    book(site, profile, topic="Career chat")

    notice = page.get_by_test_id("live-notice")
    expect(notice).to_contain_text("Mia Mentee booked a session")
    expect(notice).to_contain_text("Career chat")
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    expect(page.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications, 2 unread")
    screenshot(page, "live-notification")

    # Read in another tab (here: an app over the API): this page's bell follows.
    call(site, "/api/v1/notifications/read-all", mentor)
    expect(page.get_by_test_id("unread-count")).to_be_hidden()
    expect(page.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications")
    expect(notice).to_be_hidden(timeout=12_000)  # the notice goes away by itself


@requires_redis
def test_a_notice_sent_from_another_process_reaches_the_open_page_over_redis(mentor_page, site):
    page, mentor, _, _ = mentor_page

    services.notification_send(user=mentor, kind="reminder.1h", title="Reminder: session in 1 hour",
                               body="Career chat — soon.", link="/sessions/", email=False)

    expect(page.get_by_test_id("live-notice")).to_contain_text("Reminder: session in 1 hour")
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    page.get_by_role("link", name="Reminder: session in 1 hour").click()
    expect(page).to_have_url(f"{site}/sessions/")


def book(site: str, profile: MentorProfile, *, topic: str, days: int = 2) -> None:
    mentee = User.objects.filter(email="mia@example.com").first() or User.objects.create_user(
        email="mia@example.com", password=PASSWORD, full_name="Mia Mentee")
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    slot = Slot.objects.create(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=1)
    call(site, "/api/v1/booking/hold", mentee, {"slot_id": slot.pk, "topic": topic})


def test_the_bell_comes_back_after_the_server_restarts(mentor_page, daphne):
    page, _, profile, problems = mentor_page
    bell = page.get_by_test_id("bell")

    daphne.stop()
    expect(bell).to_have_attribute("data-live-state", "closed")
    time.sleep(1.5)  # at least one retry finds nobody there
    daphne.start()
    expect(bell).to_have_attribute("data-live-state", "open", timeout=20_000)

    book(daphne.url, profile, topic="After the restart")
    expect(page.get_by_test_id("live-notice")).to_contain_text("After the restart")
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    # While the server was down Chromium itself logged each refused attempt; no script failed.
    refused = [p for p in problems if "WebSocket connection to" in p and "/ws/notifications" in p]
    assert refused and all("uncaught" not in p for p in problems)
    problems[:] = [p for p in problems if p not in refused]
