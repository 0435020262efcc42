"""An SPA served from another origin uses the API through CORS with the refresh token in an HttpOnly cookie:
log in, list mentors, book a slot, renew the access token once it has expired, log out."""

import functools
import threading
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from bookings.models import Booking
from mentors.tests.factories import MentorProfileFactory, SlotFactory

SPA_FILES = Path(__file__).resolve().parent / "spa"
ACCESS_LIFETIME = timedelta(seconds=4)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the standard library's name)
        pass


@pytest.fixture
def spa_origin():
    """The SPA's own origin: a static file server on another port of the same host name as the API.

    localhost on both sides, as a front-end dev server and the API are in development: another origin
    (so every call goes through CORS) but the same site, so the SameSite=Lax cookie is sent.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SPA_FILES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def short_access_tokens(monkeypatch):
    # simplejwt reads the lifetime from this class attribute (set at import from SIMPLE_JWT), and the API's
    # expires_in reads the same attribute; the live server runs in this process, so both see the change.
    monkeypatch.setattr(AccessToken, "lifetime", ACCESS_LIFETIME)


def test_an_spa_on_another_origin_logs_in_with_the_cookie_books_refreshes_and_logs_out(
    page, live_server, spa_origin, short_access_tokens, settings
):
    # corsheaders and the cookie's origin check read these on every request, so the live server sees them.
    settings.CORS_ALLOWED_ORIGINS = [spa_origin]
    settings.AUTH_REFRESH_COOKIE_SECURE = False  # plain http in the test; production keeps it Secure
    api_origin = live_server.url
    assert urlsplit(api_origin).hostname == "localhost" and api_origin != spa_origin

    profile = MentorProfileFactory(user__full_name="Mara Mentor", title="Go mentor")
    slot = SlotFactory(mentor=profile)
    mentee = UserFactory(email="tim@example.com")

    page.goto(f"{spa_origin}/index.html?api={api_origin}")

    # Log in: the access token comes in the body, the refresh token only as an HttpOnly cookie of the API.
    page.fill("input[name=email]", mentee.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("me")).to_have_text(mentee.email)
    cookies = {c["name"]: c for c in page.context.cookies(api_origin + "/api/v1/auth/refresh")}
    refresh_cookie = cookies["mentorhub_refresh"]
    assert refresh_cookie["httpOnly"] and refresh_cookie["path"] == "/api/v1/auth/"
    assert refresh_cookie["sameSite"] == "Lax"
    assert "mentorhub_refresh" not in page.evaluate("document.cookie")
    # The cookie goes to the auth routes only, never to the rest of the API.
    assert "mentorhub_refresh" not in {c["name"] for c in page.context.cookies(api_origin + "/api/v1/mentors")}

    # List mentors and book the open slot, with the access token, through CORS preflights.
    page.get_by_role("button", name="List mentors").click()
    expect(page.get_by_test_id("mentors")).to_contain_text("Mara Mentor (Go mentor)")
    page.get_by_role("button", name="Book the first open slot").click()
    expect(page.get_by_test_id("booking")).to_contain_text("booking ")
    booking = Booking.objects.get()
    assert (booking.mentee, booking.slot_id) == (mentee, slot.pk)
    expect(page.get_by_test_id("error")).to_have_text("")

    # Once the access token has expired, the SPA renews it with the cookie before its next call.
    first_access = page.evaluate("window.spaState.firstAccess")
    refreshes_before = int(page.get_by_test_id("refreshes").inner_text())
    page.wait_for_timeout(ACCESS_LIFETIME.total_seconds() * 1000 + 1000)
    expired = APIClient()
    expired.credentials(HTTP_AUTHORIZATION=f"Bearer {first_access}")
    assert expired.get("/api/v1/users/me").status_code == 401  # really expired
    page.get_by_role("button", name="Who am I").click()
    expect(page.get_by_test_id("refreshes")).to_have_text(str(refreshes_before + 1))
    expect(page.get_by_test_id("me")).to_have_text(mentee.email)
    expect(page.get_by_test_id("error")).to_have_text("")
    rotated = {c["name"]: c for c in page.context.cookies(api_origin + "/api/v1/auth/refresh")}["mentorhub_refresh"]
    assert rotated["value"] != refresh_cookie["value"]

    # Log out: the refresh token is revoked and the cookie is gone.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_test_id("session")).to_have_text("signed out")
    expect(page.get_by_test_id("error")).to_have_text("")
    assert "mentorhub_refresh" not in {c["name"] for c in page.context.cookies(api_origin + "/api/v1/auth/refresh")}
    outstanding = OutstandingToken.objects.filter(user=mentee)
    assert outstanding.count() >= 2  # the login's and the rotated one
    assert not outstanding.filter(blacklistedtoken__isnull=True).exists()
