import zoneinfo
from datetime import timedelta

import pytest
from freezegun import freeze_time

from bookings import services as booking_services
from bookings.models import Booking
from reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(payment_status="paid")
    booking.refresh_from_db()
    return booking


def test_the_room_page_is_for_participants_only(client, other_user, paid):
    client.force_login(other_user)
    assert client.get(f"/sessions/{paid.pk}/room/").status_code == 404


def test_before_the_window_the_page_counts_down(client, mentee, paid):
    client.force_login(mentee)
    with freeze_time(paid.slot.start - timedelta(hours=3)):
        html = client.get(f"/sessions/{paid.pk}/room/").content.decode()
    assert 'data-testid="room-closed"' in html and "data-countdown" in html and 'data-testid="join"' not in html


def test_inside_the_window_the_join_button_is_live(client, mentee, paid):
    client.force_login(mentee)
    with freeze_time(paid.slot.start - timedelta(minutes=5)):
        html = client.get(f"/sessions/{paid.pk}/room/").content.decode()
    assert 'data-testid="join"' in html and "/static/js/room.js" in html


def test_the_mentor_saves_notes_and_completes_from_the_page(client, mentor, paid):
    client.force_login(mentor)
    client.post(f"/sessions/{paid.pk}/room/notes/", {"mentor_notes": "Practise recursion"})
    with freeze_time(paid.slot.start + timedelta(minutes=30)):
        client.post(f"/sessions/{paid.pk}/room/complete/")
    paid.refresh_from_db()
    assert (paid.mentor_notes, paid.status) == ("Practise recursion", "completed")


def test_the_mentee_reviews_a_completed_session_from_the_page(client, mentee, paid):
    Booking.objects.filter(pk=paid.pk).update(status="completed")
    client.force_login(mentee)
    assert 'data-testid="review-form"' in client.get(f"/sessions/{paid.pk}/room/").content.decode()
    client.post(f"/sessions/{paid.pk}/room/review/", {"rating": 4, "review": "Good"})
    assert Review.objects.get().rating == 4
    assert 'data-testid="reviewed"' in client.get(f"/sessions/{paid.pk}/room/").content.decode()


JSON = {"HTTP_ACCEPT": "application/json"}


def test_the_rooms_script_saves_notes_and_completes_in_json_without_leaving_the_page(client, mentor, paid):
    client.force_login(mentor)
    notes = client.post(f"/sessions/{paid.pk}/room/notes/", {"mentor_notes": "Practise recursion"}, **JSON)
    with freeze_time(paid.slot.start + timedelta(minutes=30)):
        done = client.post(f"/sessions/{paid.pk}/room/complete/", **JSON)
    assert notes.status_code == 200 and notes.json()["detail"] == "Notes saved."
    assert done.status_code == 200
    assert done.json() == {"detail": "Marked complete. The mentee can now leave a review.", "id": paid.pk,
                           "status": "completed", "status_display": "Completed"}


def test_a_refused_room_action_answers_the_api_error_shape(client, mentor, paid):
    client.force_login(mentor)
    with freeze_time(paid.slot.start - timedelta(minutes=30)):
        response = client.post(f"/sessions/{paid.pk}/room/no-show/", **JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "A no-show can be recorded once the session has started.", "status_code": 400,
                               "errors": [{"field": "status",
                                           "message": "A no-show can be recorded once the session has started."}]}
    paid.refresh_from_db()
    assert paid.status == "scheduled"


def test_joining_from_the_page_records_attendance_and_says_why_not_when_shut(client, mentee, paid):
    from sessions_app.models import Attendance

    client.force_login(mentee)
    with freeze_time(paid.slot.start - timedelta(hours=2)):
        early = client.post(f"/sessions/{paid.pk}/room/join/", **JSON)
    with freeze_time(paid.slot.start):
        joined = client.post(f"/sessions/{paid.pk}/room/join/", **JSON)
    assert early.status_code == 409 and "opens at" in early.json()["detail"]
    assert joined.status_code == 200 and Attendance.objects.get().user == mentee


def test_notes_too_long_are_refused_and_the_kept_notes_stay(client, mentor, paid):
    Booking.objects.filter(pk=paid.pk).update(mentor_notes="Keep me")
    client.force_login(mentor)
    response = client.post(f"/sessions/{paid.pk}/room/notes/", {"mentor_notes": "x" * 10001}, **JSON)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "mentor_notes"
    paid.refresh_from_db()
    assert paid.mentor_notes == "Keep me"


def test_the_mentor_sees_every_paid_seat_of_a_group_and_records_a_no_show_from_any_seats_page(
        client, mentor, group_slot):
    from accounts.tests.factories import UserFactory

    seats = [booking_services.booking_hold(mentee=UserFactory(full_name=name), slot_id=group_slot.pk)
             for name in ("Ada Present", "Bea Absent", "Cy Unpaid")]
    Booking.objects.filter(pk__in=[seats[0].pk, seats[1].pk]).update(payment_status="paid")
    client.force_login(mentor)
    html = client.get(f"/sessions/{seats[0].pk}/room/").content.decode()
    assert "Ada Present did not come" in html and "Bea Absent did not come" in html and "Cy Unpaid" not in html
    with freeze_time(group_slot.start + timedelta(minutes=10)):
        response = client.post(f"/sessions/{seats[1].pk}/room/no-show/", {"room": seats[0].pk})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{seats[0].pk}/room/"
    assert Booking.objects.get(pk=seats[1].pk).status == "no_show"


def test_the_page_says_when_the_room_opens_in_the_viewers_zone(client, mentee, paid):
    mentee.timezone = "America/New_York"
    mentee.save(update_fields=["timezone"])
    client.force_login(mentee)
    opens = paid.slot.start - timedelta(minutes=10)
    local = opens.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    offset = local.strftime("%z")
    with freeze_time(paid.slot.start - timedelta(hours=3)):
        html = client.get(f"/sessions/{paid.pk}/room/").content.decode()
    assert f"opens at {local.day} {local:%b %Y, %H:%M} America/New_York (UTC{offset[:3]}:{offset[3:]})" in html
    assert f"{opens:%H:%M} UTC" not in html
