import zoneinfo
from datetime import UTC, timedelta

import jwt
import pytest
from freezegun import freeze_time

from bookings import services as booking_services
from bookings.models import Booking
from mentors.models import MentorProfile
from reviews.models import Review
from sessions_app.models import Attendance

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(payment_status="paid")
    booking.refresh_from_db()
    return booking


def at(booking, minutes):
    """A moment relative to the session start."""
    return freeze_time(booking.slot.start + timedelta(minutes=minutes))


# --- the room and its window -------------------------------------------------------------------


def test_the_video_endpoint_says_when_the_room_opens(api, mentee, paid):
    with at(paid, -30):
        body = api(mentee).get(f"/api/v1/sessions/{paid.pk}/video").json()
    assert body["provider"] == "builtin" and body["can_join"] is False and "opens at" in body["reason"]
    assert body["signalling_url"] == f"/ws/meetings/{body['room_name']}/"
    assert body["room_url"].endswith(f"/sessions/{paid.pk}/room/") and len(body["room_name"]) > 20


def test_joining_inside_the_window_records_attendance(api, mentee, mentor, paid):
    with at(paid, -5):
        first = api(mentee).post(f"/api/v1/sessions/{paid.pk}/join")
        api(mentee).post(f"/api/v1/sessions/{paid.pk}/join")
        assert api(mentor).post(f"/api/v1/sessions/{paid.pk}/join").status_code == 200
    assert first.status_code == 200 and first.json()["can_join"] is True
    attendance = Attendance.objects.get(user=mentee)
    assert attendance.joins == 2 and Attendance.objects.count() == 2


@pytest.mark.parametrize("minutes,phrase", [(-11, "opens at"), (61, "has ended")])
def test_early_and_late_callers_are_told_why(api, mentee, paid, minutes, phrase):
    with at(paid, minutes):
        response = api(mentee).post(f"/api/v1/sessions/{paid.pk}/join")
    assert response.status_code == 409 and phrase in response.json()["detail"]
    assert not Attendance.objects.exists()


def test_an_unpaid_priced_booking_cannot_join(api, mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    with at(booking, 0):
        response = api(mentee).post(f"/api/v1/sessions/{booking.pk}/join")
    assert response.status_code == 409 and "Pay" in response.json()["detail"]


def test_outsiders_get_404_for_the_room(api, other_user, paid):
    with at(paid, 0):
        assert api(other_user).get(f"/api/v1/sessions/{paid.pk}/video").status_code == 404
        assert api(other_user).post(f"/api/v1/sessions/{paid.pk}/join").status_code == 404


def test_jitsi_rooms_use_the_unguessable_name_and_a_jwt_when_a_secret_is_set(api, mentee, paid, settings):
    settings.VIDEO_PROVIDER, settings.JITSI_DOMAIN = "jitsi", "meet.example.org"
    secret = "a-jitsi-app-secret-of-32-bytes-or-more"
    settings.JITSI_APP_ID, settings.JITSI_APP_SECRET = "mentorhub", secret
    with at(paid, 0):
        body = api(mentee).get(f"/api/v1/sessions/{paid.pk}/video").json()
        claims = jwt.decode(body["jitsi_jwt"], secret, algorithms=["HS256"], audience="jitsi")
    assert body["room_url"] == f"https://meet.example.org/{body['room_name']}"
    assert claims["room"] == body["room_name"]


# --- notes ------------------------------------------------------------------------------------------


def test_only_the_mentor_reads_and_writes_the_private_notes(api, mentee, mentor, other_user, paid):
    assert api(mentor).patch(f"/api/v1/sessions/{paid.pk}/notes", {"mentor_notes": "Strong on SQL"}).status_code == 200
    assert api(mentor).get(f"/api/v1/sessions/{paid.pk}/notes").json() == {"mentor_notes": "Strong on SQL"}
    for user in (mentee, other_user):
        assert api(user).get(f"/api/v1/sessions/{paid.pk}/notes").status_code == 404
        assert api(user).patch(f"/api/v1/sessions/{paid.pk}/notes", {"mentor_notes": "x"}).status_code == 404
    assert api(mentee).get(f"/api/v1/booking/{paid.pk}").json()["mentor_notes"] is None


# --- completion and no-shows --------------------------------------------------------------------


def test_the_mentor_completes_after_the_start_and_the_session_counts(api, mentor, paid):
    with at(paid, -1):
        assert api(mentor).patch(f"/api/v1/sessions/{paid.pk}/complete").status_code == 400
    with at(paid, 50):
        body = api(mentor).patch(f"/api/v1/sessions/{paid.pk}/complete").json()
    assert body["status"] == "completed" and body["completed_at"] and body["rating"] is None
    assert MentorProfile.objects.get(pk=paid.slot.mentor_id).total_sessions == 1


def test_completing_a_group_session_completes_every_paid_seat_and_leaves_unpaid_ones(mentor, group_slot):
    from accounts.tests.factories import UserFactory
    from sessions_app import services

    seats = [booking_services.booking_hold(mentee=UserFactory(), slot_id=group_slot.pk) for _ in range(3)]
    Booking.objects.filter(pk__in=[seats[0].pk, seats[1].pk]).update(payment_status="paid")
    with at(seats[0], 10):
        services.session_complete(booking_id=seats[2].pk, user=mentor)
    statuses = dict(Booking.objects.filter(slot=group_slot).values_list("pk", "status"))
    assert statuses == {seats[0].pk: "completed", seats[1].pk: "completed", seats[2].pk: "scheduled"}


def test_the_mentee_completes_with_a_rating_as_the_spec_shows(api, mentee, mentor, paid):
    with at(paid, 30):
        early = api(mentee).post(f"/api/v1/sessions/{paid.pk}/complete", {"rating": 5})
        assert early.status_code == 400
    with at(paid, 70):
        body = api(mentee).post(f"/api/v1/sessions/{paid.pk}/complete",
                                {"rating": 5, "review": "Отличная сессия!", "feedback": "Очень помогло"}).json()
    assert (body["id"], body["status"], body["rating"]) == (paid.pk, "completed", 5) and body["completed_at"]
    profile = MentorProfile.objects.get(pk=paid.slot.mentor_id)
    assert (profile.rating_count, profile.rating_avg, profile.total_sessions) == (1, 5, 1)
    assert Review.objects.get().comment == "Отличная сессия!"


def test_the_mentee_cannot_use_the_mentors_complete(api, mentee, paid):
    with at(paid, 50):
        assert api(mentee).patch(f"/api/v1/sessions/{paid.pk}/complete").status_code == 403


def test_the_mentor_records_a_no_show_after_the_start(api, mentor, paid):
    with at(paid, -5):
        assert api(mentor).post(f"/api/v1/sessions/{paid.pk}/no-show").status_code == 400
    with at(paid, 15):
        assert api(mentor).post(f"/api/v1/sessions/{paid.pk}/no-show").json()["status"] == "no_show"
    with at(paid, 20):
        assert api(mentor).patch(f"/api/v1/sessions/{paid.pk}/complete").status_code == 409


# --- the window in words -------------------------------------------------------------------------


def test_the_reason_says_when_the_room_opens_in_the_users_zone_with_its_offset(api, mentee, paid):
    mentee.timezone = "Asia/Tokyo"
    mentee.save(update_fields=["timezone"])
    opens = (paid.slot.start - timedelta(minutes=10)).astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    with at(paid, -30):
        reason = api(mentee).get(f"/api/v1/sessions/{paid.pk}/video").json()["reason"]
    assert f"opens at {opens.day} {opens:%b %Y, %H:%M} Asia/Tokyo (UTC+09:00)" in reason


def test_a_user_in_utc_reads_the_opening_time_as_utc(api, mentee, paid):
    opens = paid.slot.start - timedelta(minutes=10)
    with at(paid, -30):
        response = api(mentee).post(f"/api/v1/sessions/{paid.pk}/join")
    opens = opens.astimezone(UTC)
    assert f"opens at {opens.day} {opens:%b %Y, %H:%M} UTC," in response.json()["detail"]


def test_a_completed_session_stays_joinable_until_its_end_and_a_no_show_does_not(api, mentee, mentor, paid):
    from sessions_app import services

    with at(paid, 20):
        services.session_complete(booking_id=paid.pk, user=mentor)
        assert api(mentee).post(f"/api/v1/sessions/{paid.pk}/join").status_code == 200
        assert api(mentor).post(f"/api/v1/sessions/{paid.pk}/join").status_code == 200
    with at(paid, 61):
        assert "has ended" in api(mentee).post(f"/api/v1/sessions/{paid.pk}/join").json()["detail"]


def test_after_a_no_show_the_mentor_may_stay_but_the_absent_mentee_may_not(api, mentee, mentor, paid):
    from sessions_app import services

    with at(paid, 20):
        services.session_no_show(booking_id=paid.pk, user=mentor)
        assert api(mentor).post(f"/api/v1/sessions/{paid.pk}/join").status_code == 200
        assert api(mentee).post(f"/api/v1/sessions/{paid.pk}/join").status_code == 409
