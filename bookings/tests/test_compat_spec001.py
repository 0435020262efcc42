"""Spec 001's five examples, replayed literally from the spec's text (docs/specs/001_mentor_sessions.md):
its paths, its `auth` cookie, its bodies; the answers must have the shape the spec shows."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from bookings.models import Booking
from mentors.models import MentorProfile, Slot
from mentors.tests.factories import MentorProfileFactory, SlotFactory

pytestmark = pytest.mark.django_db

SPEC = Path(__file__).resolve().parents[2] / "docs" / "specs" / "001_mentor_sessions.md"
# The spec's examples are for 2024-10-03 14:30 UTC: replayed two days before, so that time is still ahead.
SPEC_TODAY = datetime(2024, 10, 1, 9, 0, tzinfo=UTC)


def spec_sections() -> dict[str, dict]:
    """Each section of the spec: its endpoint, its request body and its answer, read from the text."""
    sections = {}
    for block in re.split(r"^## ", SPEC.read_text(encoding="utf-8"), flags=re.M)[1:]:
        title = block.splitlines()[0].strip()
        bodies = [json.loads(re.sub(r"//[^\n]*", "", raw)) for raw in re.findall(r"```json\n(.*?)```", block, re.S)]
        endpoint = re.search(r"Endpoint : (\w+) (\S+)", block)
        request = bodies.pop(0) if "Request Body :" in block else None
        sections[title] = {"method": endpoint[1] if endpoint else None, "path": endpoint[2] if endpoint else None,
                           "cookie": "auth: token" in block, "request": request, "response": bodies[-1]}
    return sections


SECTIONS = spec_sections()


def shape(value):
    """The keys and value types of an answer, recursively: what a client written to the spec relies on."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.cookies["auth"] = str(RefreshToken.for_user(user).access_token)  # the spec's `auth: token`
    return client


def replay(title: str, user=None, **ids):
    spec = SECTIONS[title]
    path = spec["path"]
    for name, value in ids.items():
        path = path.replace(f":{name}", str(value))
    assert ":" not in path, path
    client = client_for(user if spec["cookie"] else None)
    body = json.dumps(spec["request"]) if spec["request"] is not None else None
    return client.generic(spec["method"], path, body or "", content_type="application/json")


@pytest.fixture
def mentor_profile(mentor):
    return MentorProfileFactory(user=mentor, timezone="UTC", min_notice_minutes=0, skills=["Web Development"])


def test_the_spec_lists_the_five_routes_this_test_replays():
    assert {(s["method"], s["path"]) for s in SECTIONS.values() if s["method"]} == {
        ("POST", "/session/api/addSession"), ("PUT", "/session/api/updateSession/:sessionId"),
        ("GET", "/session/getSession/:mentorId"), ("DELETE", "/session/api/deleteSession/:sessionId"),
        ("POST", "/session/api/student/bookSession/:mentorId"),
    }


@freeze_time(SPEC_TODAY)
def test_a_mentor_adds_updates_lists_and_deletes_a_session_as_the_spec_shows(mentor, mentor_profile):
    added = replay("Add Mentor Available Session", mentor)
    assert added.status_code == 201, added.content
    assert shape(added.json()) == shape(SECTIONS["Add Mentor Available Session"]["response"])
    assert added.json()["message"] == "Successfully add new schedule"
    data = added.json()["data"]
    assert (data["mentor_id"], data["scheduledAt"], data["quota"]) == (mentor_profile.pk, "2024-10-03 14:30:00", 5)
    slot = Slot.objects.get(pk=data["id"])
    assert slot.end - slot.start == timedelta(minutes=mentor_profile.default_session_minutes)

    updated = replay("Update Available Session", mentor, sessionId=slot.pk)
    assert updated.status_code == 200, updated.content
    assert shape(updated.json()) == shape(SECTIONS["Update Available Session"]["response"])
    assert updated.json()["message"] == "successfully update mentor session"

    listed = replay("Get Mentor Available Sessions", mentorId=mentor_profile.pk)
    assert listed.status_code == 200, listed.content
    assert shape(listed.json()) == shape(SECTIONS["Get Mentor Available Sessions"]["response"])
    assert listed.json()["data"] == [{"id": slot.pk, "mentor_id": mentor_profile.pk,
                                      "scheduledAt": "2024-10-03 14:30:00", "quota": 5}]

    deleted = replay("Remove Available Session", mentor, sessionId=slot.pk)
    assert deleted.status_code == 200, deleted.content
    assert deleted.json() == SECTIONS["Remove Available Session"]["response"]
    assert not Slot.objects.filter(pk=slot.pk, is_active=True).exists()


@freeze_time(SPEC_TODAY)
def test_a_student_books_session_3_as_the_spec_shows(mentee, mentor, mentor_profile):
    start = datetime(2024, 10, 3, 14, 30, tzinfo=UTC)
    SlotFactory(pk=3, mentor=mentor_profile, start=start, end=start + timedelta(hours=1), capacity=5)
    booked = replay("Book Mentoring Session", mentee, mentorId=mentor_profile.pk)
    assert booked.status_code == 201, booked.content
    assert shape(booked.json()) == shape(SECTIONS["Book Mentoring Session"]["response"])
    assert booked.json() == {"success": True, "message": "successfully book mentoring session", "data": {
        "scheduledAt": "2024-10-03 14:30:00", "mentor_name": "Marcus Mentor", "student_name": "Mia Mentee",
        "field": "Web Development", "bookedAt": "2024-10-01 09:00:00"}}
    booking = Booking.objects.get()
    assert (booking.slot_id, booking.mentee) == (3, mentee)
    assert Slot.objects.get(pk=3).seats_taken == 1


@freeze_time(SPEC_TODAY)
def test_without_the_cookie_the_answer_is_the_specs_unauthorized_error(mentor_profile):
    response = client_for().post("/session/api/addSession", SECTIONS["Add Mentor Available Session"]["request"],
                                 format="json")
    assert response.status_code == 401
    assert response.json() == SECTIONS["Error Response"]["response"] == {"success": False, "message": "Unauthorized"}
    assert not Slot.objects.exists()


@freeze_time(SPEC_TODAY)
def test_a_bearer_header_works_as_well_as_the_cookie(api, mentor, mentor_profile):
    response = api(mentor).post("/session/api/addSession", {"scheduledAt": "2024-10-03T14:30:00Z", "quota": 2})
    assert response.status_code == 201 and response.json()["data"]["quota"] == 2


@freeze_time(SPEC_TODAY)
def test_refusals_keep_the_specs_envelope_and_the_products_status_and_words(mentee, mentor, mentor_profile):
    add = client_for(mentor)
    body = {"scheduledAt": "2024-10-03T14:30:00Z", "quota": 5}
    assert add.post("/session/api/addSession", body, format="json").status_code == 201
    clash = add.post("/session/api/addSession", body, format="json")
    assert (clash.status_code, clash.json()) == (409, {"success": False,
                                                      "message": "You already have a slot at that time."})
    past = add.post("/session/api/addSession", {"scheduledAt": "2024-09-30T10:00:00Z"}, format="json")
    assert (past.status_code, past.json()["success"]) == (400, False)
    assert past.json()["message"] == "A slot cannot start in the past."
    no_profile = client_for(mentee).post("/session/api/addSession", body, format="json")
    assert no_profile.status_code == 404 and no_profile.json() == {
        "success": False, "message": "You have no mentor profile. Apply first."}
    other = MentorProfileFactory()
    foreign = SlotFactory(mentor=other)
    wrong_mentor = client_for(mentee).post(f"/session/api/student/bookSession/{mentor_profile.pk}",
                                           {"session_id": foreign.pk}, format="json")
    assert wrong_mentor.status_code == 404 and wrong_mentor.json()["success"] is False
    unknown = client_for(mentor).get("/session/api/nothingHere")
    assert (unknown.status_code, unknown.json()) == (404, {"success": False, "message": "Not found."})
    wrong_method = client_for(mentor).get("/session/api/addSession")
    assert wrong_method.status_code == 405 and wrong_method.json()["success"] is False


@freeze_time(SPEC_TODAY)
def test_a_form_post_authenticated_by_the_cookie_is_refused(mentor, mentor_profile):
    # A page on another site can post a form with the visitor's cookie; it cannot send JSON without asking.
    for content_type, body in (("application/x-www-form-urlencoded", "scheduledAt=2024-10-03T14%3A30%3A00Z"),
                               ("text/plain", '{"scheduledAt": "2024-10-03T14:30:00Z"}')):
        response = client_for(mentor).generic("POST", "/session/api/addSession", body, content_type=content_type)
        assert response.status_code == 403 and response.json() == {
            "success": False, "message": "A request authenticated by the auth cookie must send JSON."}
    assert not Slot.objects.exists()


def test_the_list_has_no_14_day_cut_off_unless_asked_and_shows_only_slots_with_a_seat_left(mentor_profile):
    now = datetime.now(UTC).replace(microsecond=0)
    soon, far, full = (now + timedelta(days=2), now + timedelta(days=40), now + timedelta(days=3))
    for start, taken in ((soon, 0), (far, 1), (full, 2)):
        SlotFactory(mentor=mentor_profile, start=start, end=start + timedelta(hours=1), capacity=2, seats_taken=taken)
    SlotFactory(mentor=mentor_profile, start=now - timedelta(days=1), end=now - timedelta(hours=23))
    path = f"/session/getSession/{mentor_profile.pk}"
    listed = [item["scheduledAt"] for item in client_for().get(path).json()["data"]]
    assert listed == [soon.strftime("%Y-%m-%d %H:%M:%S"), far.strftime("%Y-%m-%d %H:%M:%S")]
    window = client_for().get(path, {"to": (now + timedelta(days=14)).date().isoformat()}).json()["data"]
    assert [item["scheduledAt"] for item in window] == [soon.strftime("%Y-%m-%d %H:%M:%S")]


def test_an_unlisted_mentors_sessions_are_a_404_in_the_specs_shape():
    pending = MentorProfileFactory(status=MentorProfile.Status.PENDING)
    response = client_for().get(f"/session/getSession/{pending.pk}")
    assert (response.status_code, response.json()) == (404, {"success": False, "message": "No such mentor."})

