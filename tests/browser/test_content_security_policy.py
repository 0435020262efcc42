"""Pages load under the Content-Security-Policy with no violation and no console error: the site's
pages, the API docs, and the built-in video room joined over its WebSocket."""

import secrets
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentorhub.testing import CHROMIUM, daphne
from mentors.models import MentorProfile, Service, Slot
from payments.models import Payment
from tests.browser.conftest import CHROMIUM_ARGS

PASSWORD = "a-long-and-unusual-passphrase"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline code"));
});
"""


LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def watch(page) -> list[str]:
    """Every console error, uncaught exception, CSP violation, error response (a missing favicon.ico too)
    and request to another host the page produces from now on. Other hosts are never reached: the request
    is refused and recorded."""
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("response", lambda response: response.status >= 400 and problems.append(
        f"{response.status}: {response.url}"))

    def only_this_site(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            problems.append(f"another host: {route.request.url}")
            route.abort("blockedbyclient")

    page.route("**/*", only_this_site)
    # Only failures of this site's own requests: the refused ones above are recorded already.
    page.on("requestfailed", lambda request: urlsplit(request.url).hostname in LOCAL_HOSTS and problems.append(
        f"failed: {request.url}"))
    return problems


def visit(page, problems, path) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("networkidle")
    problems.extend(f"{path}: {v}" for v in page.evaluate("window.__cspViolations || []"))


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("nav-user")).to_be_visible()


def test_site_pages_and_api_docs_load_under_the_policy_without_errors(page):
    problems = watch(page)
    mentor = User.objects.create_user(email="pia@example.com", password=PASSWORD, full_name="Pia Policy",
                                      role="mentor")
    profile = MentorProfile.objects.create(user=mentor, title="Security mentor", price_per_hour=1000,
                                           status="approved")
    Service.objects.create(mentor=profile, name="One-on-one", duration_minutes=60, price=Decimal("1000"))
    quick = Service.objects.create(mentor=profile, name="Quick question", duration_minutes=30, price=Decimal("500"))

    for path in ("/", "/mentors/", f"/mentors/{profile.pk}/", "/accounts/login/", "/accounts/signup/",
                 "/admin/login/"):
        visit(page, problems, path)

    # The session picker submits itself from static JS, not an inline handler.
    page.goto(f"/mentors/{profile.pk}/")
    page.select_option("#service-pick", str(quick.pk))
    page.wait_for_url(f"**/mentors/{profile.pk}/?service={quick.pk}")

    visit(page, problems, "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("MentorHub API")
    visit(page, problems, "/redoc")
    expect(page.locator("h1").first).to_contain_text("MentorHub API")

    mentee = User.objects.create_user(email="max@example.com", password=PASSWORD, full_name="Max Mentee")
    payment = Payment.objects.create(
        payer=mentee, description="Mentoring session", amount=Decimal("1500"), currency="RUB", provider="offline",
        provider_intent_id="offline_pi_csp", status=Payment.Status.SUCCEEDED, idempotency_key="csp-1",
        expires_at=timezone.now() + timedelta(hours=1))
    sign_in(page, mentee.email)
    for path in ("/profile/", "/payments/", f"/payments/{payment.pk}/receipt/", f"/payments/{payment.pk}/result/"):
        visit(page, problems, path)

    assert problems == []


@pytest.fixture
def production_asgi_server(transactional_db):
    """Daphne (HTTP and WebSocket) in production mode on the test database, over plain HTTP."""
    with daphne(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), SECURE_SSL_REDIRECT="false",
                SECURE_COOKIES="false", PAYMENTS_OFFLINE_ALLOWED="true") as server:
        yield server.url


def test_the_video_room_joins_over_its_websocket_under_the_policy(browser, production_asgi_server):
    mentor = User.objects.create_user(email="ron@example.com", password=PASSWORD, full_name="Ron Room",
                                      role="mentor")
    mentee = User.objects.create_user(email="rae@example.com", password=PASSWORD, full_name="Rae Room")
    profile = MentorProfile.objects.create(user=mentor, title="Room mentor", price_per_hour=1000, status="approved")
    now = timezone.now()
    slot = Slot.objects.create(mentor=profile, start=now - timedelta(minutes=5), end=now + timedelta(minutes=55),
                               seats_taken=1)
    booking = Booking.objects.create(slot=slot, mentee=mentee, status="scheduled", payment_status="paid",
                                     price=1000, currency="RUB", topic="Policy check")

    media = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
    try:
        context = media.new_context(base_url=production_asgi_server)
        context.grant_permissions(["camera", "microphone"])
        page = context.new_page()
        page.set_default_timeout(20_000)
        problems = watch(page)
        sign_in(page, mentee.email)
        visit(page, problems, f"/sessions/{booking.pk}/room/")
        page.get_by_test_id("join").click()
        expect(page.get_by_test_id("room-status")).to_have_text("In the room. Waiting for the others…")
        problems.extend(page.evaluate("window.__cspViolations"))
    finally:
        media.close()
    assert problems == []
