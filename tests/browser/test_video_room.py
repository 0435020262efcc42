"""Two browsers with fake cameras meet in the built-in WebRTC room, then the session is completed and reviewed.

pytest-django's live server speaks WSGI only, so this test starts Daphne (HTTP and WebSocket)
on the test database in a subprocess.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentors.models import MentorProfile, Slot
from reviews.models import Review
from tests.browser.conftest import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-and-unusual-passphrase"
MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              "--autoplay-policy=no-user-gesture-required"]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def asgi_server(transactional_db):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "mentorhub.test_settings",
           "DEBUG": "true", "ALLOWED_HOSTS": "127.0.0.1,localhost", "CELERY_TASK_ALWAYS_EAGER": "true"}
    server = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                               "mentorhub.asgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{base}/health", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(server.stderr.read().decode())
            time.sleep(0.25)
    yield base
    server.terminate()
    server.wait(timeout=10)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("nav-user")).to_be_visible()


REMOTE_PLAYING = """() => {
  const v = document.querySelector('[data-testid=remote-video]');
  return !!v && v.readyState >= 2 && !v.paused && v.videoWidth > 0;
}"""


def test_mentor_and_mentee_see_each_other_then_complete_and_review(browser, asgi_server):
    mentor_user = User.objects.create_user(email="vic@example.com", password=PASSWORD, full_name="Vic Video",
                                           role="mentor")
    mentee_user = User.objects.create_user(email="wen@example.com", password=PASSWORD, full_name="Wen Watcher")
    profile = MentorProfile.objects.create(user=mentor_user, title="Video mentor", price_per_hour=1000,
                                           status="approved")
    now = timezone.now()
    slot = Slot.objects.create(mentor=profile, start=now - timedelta(minutes=5), end=now + timedelta(minutes=55),
                               seats_taken=1)
    booking = Booking.objects.create(slot=slot, mentee=mentee_user, status="scheduled", payment_status="paid",
                                     price=1000, currency="RUB", topic="Pair on WebRTC")

    playwright_browser = browser.browser_type.launch(executable_path=browser_path(), headless=True,
                                                     args=[*CHROMIUM_ARGS, *MEDIA_ARGS])
    try:
        pages = []
        for email in ("vic@example.com", "wen@example.com"):
            context = playwright_browser.new_context(base_url=asgi_server)
            context.grant_permissions(["camera", "microphone"])
            page = context.new_page()
            page.set_default_timeout(20_000)
            sign_in(page, email)
            page.goto(f"/sessions/{booking.pk}/room/")
            page.get_by_test_id("join").click()
            pages.append(page)
        for page in pages:
            page.wait_for_function(REMOTE_PLAYING, timeout=30_000)
            expect(page.get_by_test_id("room-status")).to_have_text("Connected.")

        mentor_page, mentee_page = pages
        mentor_page.get_by_test_id("complete").click()
        expect(mentor_page.get_by_test_id("session-state")).to_have_text("Completed")

        mentee_page.reload()
        mentee_page.get_by_test_id("review-form").locator("select").select_option("5")
        mentee_page.get_by_test_id("review-form").locator("textarea").fill("Clear audio, great help")
        mentee_page.get_by_role("button", name="Send review").click()
        expect(mentee_page.get_by_test_id("reviewed")).to_be_visible()
    finally:
        playwright_browser.close()

    review = Review.objects.get()
    assert (review.rating, review.comment, review.booking_id) == (5, "Clear audio, great help", booking.pk)
    assert MentorProfile.objects.get(pk=profile.pk).rating_count == 1


def browser_path() -> str:
    from mentorhub.testing import CHROMIUM

    return CHROMIUM
