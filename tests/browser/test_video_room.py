"""Two or three browsers with fake cameras meet in the built-in WebRTC room.

The room keeps going while the mentor saves notes, records a no-show and completes the session;
its controls follow the state (nothing to click before joining, no second join); a closed room
page says, in the viewer's zone, when it opens. Every page fails its test on a console error.

pytest-django's live server speaks WSGI only, so these tests start Daphne (HTTP and WebSocket)
on the test database in a subprocess.
"""

import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from bookings.models import Booking
from mentorhub.testing import CHROMIUM, daphne
from mentors.models import MentorProfile, Slot
from reviews.models import Review
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.support import screenshot, sideways_overflow, watch

PASSWORD = "a-long-and-unusual-passphrase"
MEDIA_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture
def asgi_server(transactional_db):
    with daphne() as server:
        yield server.url


@pytest.fixture
def media_browser(browser):
    """Chromium with a fake camera and microphone that never asks for permission."""
    media = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *MEDIA_ARGS])
    yield media
    media.close()


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("nav-user")).to_be_visible()


def person(email, name, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)


def mentor_with_profile(email="vic@example.com", name="Vic Video") -> MentorProfile:
    user = person(email, name, role="mentor", timezone="Europe/Berlin")
    return MentorProfile.objects.create(user=user, title="Video mentor", price_per_hour=1000, status="approved")


def seat(slot, mentee, **extra) -> Booking:
    return Booking.objects.create(slot=slot, mentee=mentee, status="scheduled", payment_status="paid", price=1000,
                                  currency="RUB", topic="Pair on WebRTC", **extra)


def started_slot(profile, capacity=1) -> Slot:
    now = timezone.now()
    return Slot.objects.create(mentor=profile, start=now - timedelta(minutes=5), end=now + timedelta(minutes=55),
                               capacity=capacity, seats_taken=capacity)


def open_room(media_browser, base, email, booking, problems, width=1280):
    context = media_browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["camera", "microphone"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    # One list collects every page's problems.
    page.on("console", lambda message: message.type == "error" and problems.append(f"{email}: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"{email}: uncaught {error}"))
    sign_in(page, email)  # at the desktop width, where the signed-in name shows in the header
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/sessions/{booking.pk}/room/")
    return page


REMOTE_PLAYING = """() => {
  const v = document.querySelector('[data-testid=remote-video]');
  return !!v && v.readyState >= 2 && !v.paused && v.videoWidth > 0;
}"""

# Every text the room's status line shows, kept in the page, so a test can tell the call never dropped.
RECORD_STATUS = """() => {
  const node = document.querySelector('[data-testid=room-status]');
  window.__statuses = [node.textContent];
  new MutationObserver(() => window.__statuses.push(node.textContent))
    .observe(node, {childList: true, characterData: true, subtree: true});
  window.__sameDocument = true;
}"""


def join(page):
    page.get_by_test_id("join").click()


def assert_still_in_the_call(page, remote_tiles=1):
    """Connected, the other side's video playing, and never dropped since RECORD_STATUS."""
    page.wait_for_timeout(1500)  # long enough for a closed socket's "left" to arrive
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    assert page.evaluate(REMOTE_PLAYING)
    assert page.locator("[data-testid=remote-video]").count() == remote_tiles
    statuses = page.evaluate("window.__statuses")
    assert not [s for s in statuses if "left" in s or "Disconnected" in s or "no longer" in s], statuses
    expect(page.locator("[data-action=leave]")).to_be_visible()


def test_saving_notes_and_completing_keep_the_call_going_then_the_mentee_reviews(browser, media_browser,
                                                                                  asgi_server):
    profile = mentor_with_profile()
    mentee = person("wen@example.com", "Wen Watcher", timezone="Asia/Tokyo")
    booking = seat(started_slot(profile), mentee)
    problems: list[str] = []

    mentor_page = open_room(media_browser, asgi_server, "vic@example.com", booking, problems)
    join(mentor_page)
    mentee_page = open_room(media_browser, asgi_server, "wen@example.com", booking, problems)
    join(mentee_page)
    for page in (mentor_page, mentee_page):
        page.wait_for_function(REMOTE_PLAYING, timeout=30_000)
        expect(page.get_by_test_id("room-status")).to_have_text("Connected.")
        page.evaluate(RECORD_STATUS)

    mentor_page.get_by_label("Private notes").fill("Practise recursion")
    mentor_page.get_by_role("button", name="Save notes").click()
    expect(mentor_page.get_by_test_id("notes-form").get_by_role("status")).to_have_text("Notes saved.")
    assert_still_in_the_call(mentee_page)
    assert_still_in_the_call(mentor_page)

    mentor_page.get_by_test_id("complete").click()
    expect(mentor_page.get_by_test_id("session-state")).to_have_text("Completed")
    expect(mentor_page.get_by_test_id("after-session").get_by_role("status")).to_contain_text("Marked complete")
    expect(mentor_page.get_by_test_id("complete")).to_have_count(0)
    assert_still_in_the_call(mentee_page)
    assert_still_in_the_call(mentor_page)

    booking.refresh_from_db()
    assert (booking.mentor_notes, booking.status) == ("Practise recursion", "completed")

    mentee_page.reload()
    mentee_page.get_by_test_id("review-form").locator("select").select_option("5")
    mentee_page.get_by_test_id("review-form").locator("textarea").fill("Clear audio, great help")
    mentee_page.get_by_role("button", name="Send review").click()
    expect(mentee_page.get_by_test_id("reviewed")).to_be_visible()
    assert problems == []

    review = Review.objects.get()
    assert (review.rating, review.comment, review.booking_id) == (5, "Clear audio, great help", booking.pk)
    assert MentorProfile.objects.get(pk=profile.pk).rating_count == 1


def test_a_no_show_in_a_group_keeps_the_call_going_for_those_who_came(browser, media_browser, asgi_server):
    profile = mentor_with_profile()
    slot = started_slot(profile, capacity=2)
    came = seat(slot, person("ada@example.com", "Ada Present"))
    absent = seat(slot, person("bea@example.com", "Bea Absent"))
    problems: list[str] = []

    mentor_page = open_room(media_browser, asgi_server, "vic@example.com", came, problems)
    join(mentor_page)
    mentee_page = open_room(media_browser, asgi_server, "ada@example.com", came, problems)
    join(mentee_page)
    for page in (mentor_page, mentee_page):
        page.wait_for_function(REMOTE_PLAYING, timeout=30_000)
        page.evaluate(RECORD_STATUS)

    seats = mentor_page.get_by_test_id("after-session").get_by_test_id("seat")
    expect(seats).to_have_count(2)
    seats.filter(has_text="Bea Absent").get_by_role("button", name="Bea Absent did not come").click()
    expect(seats.filter(has_text="Bea Absent").get_by_test_id("seat-state")).to_have_text("No-show")
    expect(mentor_page.get_by_test_id("session-state")).to_have_text("Scheduled")
    assert_still_in_the_call(mentee_page)
    assert_still_in_the_call(mentor_page)
    for width in (390, 1280):
        mentor_page.set_viewport_size({"width": width, "height": 900})
        assert sideways_overflow(mentor_page) == 0
        screenshot(mentor_page, f"room-mentor-{width}")

    mentor_page.get_by_test_id("complete").click()
    expect(seats.filter(has_text="Ada Present").get_by_test_id("seat-state")).to_have_text("Completed")
    assert_still_in_the_call(mentee_page)
    assert_still_in_the_call(mentor_page)
    assert problems == []
    assert dict(Booking.objects.filter(slot=slot).values_list("pk", "status")) == {
        came.pk: "completed", absent.pk: "no_show"}


def test_room_controls_follow_the_state_and_a_second_join_adds_no_tile(browser, media_browser, asgi_server):
    profile = mentor_with_profile()
    booking = seat(started_slot(profile), person("wen@example.com", "Wen Watcher"))
    problems: list[str] = []

    mentor_page = open_room(media_browser, asgi_server, "vic@example.com", booking, problems)
    join(mentor_page)
    expect(mentor_page.get_by_test_id("room-status")).to_contain_text("Waiting for the others")

    page = open_room(media_browser, asgi_server, "wen@example.com", booking, problems, width=390)
    for name in ("mute", "camera", "screen", "leave"):
        expect(page.locator(f"[data-action={name}]")).to_be_hidden()
    page.get_by_test_id("join").dblclick()  # an impatient double click joins once
    page.wait_for_function(REMOTE_PLAYING, timeout=30_000)
    expect(page.get_by_test_id("join")).to_be_hidden()
    for name in ("mute", "camera", "screen", "leave"):
        expect(page.locator(f"[data-action={name}]")).to_be_visible()
    page.locator("[data-action=join]").dispatch_event("click")  # even a scripted click on the hidden button
    mentor_page.wait_for_function(REMOTE_PLAYING, timeout=30_000)
    mentor_page.wait_for_timeout(2000)
    expect(mentor_page.get_by_test_id("remote-video")).to_have_count(1)
    assert sideways_overflow(page) == 0
    screenshot(page, "room-mentee-390")

    page.locator("[data-action=mute]").click()
    expect(page.locator("[data-action=mute]")).to_have_text("Unmute")
    page.locator("[data-action=camera]").click()
    expect(page.locator("[data-action=camera]")).to_have_text("Camera on")

    page.locator("[data-action=leave]").click()
    expect(page.get_by_test_id("room-status")).to_have_text("You left the room.")
    expect(page.get_by_test_id("join")).to_be_visible()
    for name in ("mute", "camera", "screen", "leave"):
        expect(page.locator(f"[data-action={name}]")).to_be_hidden()
    expect(mentor_page.get_by_test_id("room-status")).to_have_text("Wen Watcher left.")
    expect(mentor_page.get_by_test_id("remote-video")).to_have_count(0)

    page.get_by_test_id("join").click()  # and back in
    mentor_page.wait_for_function(REMOTE_PLAYING, timeout=30_000)
    expect(mentor_page.get_by_test_id("remote-video")).to_have_count(1)
    assert problems == []


def test_a_room_closed_under_an_open_call_says_so_and_offers_no_controls(browser, media_browser, asgi_server):
    profile = mentor_with_profile()
    booking = seat(started_slot(profile), person("wen@example.com", "Wen Watcher"))
    problems: list[str] = []
    page = open_room(media_browser, asgi_server, "wen@example.com", booking, problems)
    join(page)
    expect(page.get_by_test_id("room-status")).to_contain_text("Waiting for the others")

    # The mentor, not in the call, records the mentee as absent: the mentee's seat leaves the room.
    mentor_page = open_room(media_browser, asgi_server, "vic@example.com", booking, problems)
    mentor_page.get_by_role("button", name="Wen Watcher did not come").click()
    expect(mentor_page.get_by_test_id("session-state")).to_have_text("No-show")

    expect(page.get_by_test_id("room-status")).to_have_text("This session can no longer be joined.")
    for name in ("join", "mute", "camera", "screen", "leave"):
        expect(page.locator(f"[data-action={name}]")).to_be_hidden()
    assert problems == []


def test_closed_room_pages_say_when_they_open_in_local_time_without_console_errors(page):
    """Before the window, after it and for a cancelled session: no controls, no errors, local times."""
    problems = watch(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    profile = mentor_with_profile()
    mentee = person("wen@example.com", "Wen Watcher", timezone="Asia/Tokyo")
    start = (timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    later = Slot.objects.create(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
    past = Slot.objects.create(mentor=profile, start=start - timedelta(days=2),
                               end=start - timedelta(days=2, minutes=-60), seats_taken=1)
    upcoming, ended = seat(later, mentee), seat(past, mentee)
    cancelled = Booking.objects.create(
        slot=Slot.objects.create(mentor=profile, start=start + timedelta(hours=2), end=start + timedelta(hours=3)),
        mentee=mentee, status="cancelled", payment_status="refunded", price=1000, currency="RUB")

    sign_in(page, mentee.email)
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    opens = (start - timedelta(minutes=10)).astimezone(tokyo)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/sessions/{upcoming.pk}/room/")
        closed = page.get_by_test_id("room-closed")
        expect(closed).to_contain_text(f"opens at {opens.day} {opens:%b %Y, %H:%M} Asia/Tokyo")
        expect(closed).not_to_contain_text(f"{start - timedelta(minutes=10):%H:%M} UTC")
        expect(page.locator("[data-countdown]")).not_to_have_text("…")
        local_start = start.astimezone(tokyo)
        expect(page.get_by_test_id("session-when")).to_contain_text(f"{local_start:%H:%M}")
        expect(page.get_by_test_id("session-when")).to_contain_text("JST")
        assert sideways_overflow(page) == 0
        screenshot(page, f"room-closed-{width}")
    page.goto(f"/sessions/{ended.pk}/room/")
    expect(page.get_by_test_id("room-closed")).to_have_text("This session has ended.")
    page.goto(f"/sessions/{cancelled.pk}/room/")
    expect(page.get_by_test_id("room-closed")).to_contain_text("cancelled")
    for path in (f"/sessions/{upcoming.pk}/room/", f"/sessions/{ended.pk}/room/", f"/sessions/{cancelled.pk}/room/"):
        page.goto(path)
        expect(page.locator("[data-action]")).to_have_count(0)
        page.wait_for_timeout(300)
    assert problems == []
