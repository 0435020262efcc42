"""Managing a session through sessions/{id} (spec 003: "Session management (create, edit, cancel)", "Admin can
manage all sessions", PUT and DELETE /api/sessions/:sessionId, the status in-progress).

PUT/PATCH edit the notes and move the time in one transaction; DELETE cancels by the refund policy; staff
see and manage every session through the same routes; live_status says in-progress while someone is in
the open room, on the API and on the pages.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from bookings import services
from bookings.models import Booking, BookingEvent
from bookings.tests.factories import BookingFactory
from bookings.tests.test_booking_api import SESSIONS_LIST_MAX_QUERIES, assert_error
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from payments import services as payment_services
from payments.models import Payment
from sessions_app import services as session_services
from sessions_app.models import Attendance, Meeting

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture
def scheduled(mentee, one_seat_slot):
    return services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk, topic="Recursion", notes="Bring code")


@pytest.fixture
def far(mentee, profile, tomorrow_10):
    """A priced session three days out, paid through the offline checkout."""
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=3),
                                    duration_minutes=60)
    payment = payment_services.payment_start(booking_id=booking.pk, payer=mentee)
    payment_services.offline_checkout_decide(payment_id=payment.pk, payer=mentee, succeed=True)
    booking.refresh_from_db()
    assert booking.payment_status == "paid" and booking.price > 0
    return booking


def url(booking) -> str:
    return f"{V1}/sessions/{booking.pk}"


# --- PUT / PATCH: notes, and a move, in one transaction ---------------------------------------------------


def test_the_mentee_edits_the_shared_fields_and_their_own_notes(api, mentee, mentor, scheduled):
    response = api(mentee).put(url(scheduled), {"topic": "Graphs", "agenda": "BFS", "mentee_notes": "mine"},
                               format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["topic"], body["agenda"], body["notes"], body["mentee_notes"]) == ("Graphs", "BFS", "Bring code",
                                                                                    "mine")
    assert set(body) == set(api(mentee).get(url(scheduled)).json())  # the same shape as GET
    assert api(mentor).get(url(scheduled)).json()["mentee_notes"] is None


def test_the_mentor_edits_the_shared_notes_and_their_private_notes(api, mentee, mentor, scheduled):
    response = api(mentor).patch(url(scheduled), {"notes": "Read chapter 3", "mentorNotes": "Weak on recursion"},
                                 format="json")
    assert response.status_code == 200
    assert response.json()["notes"] == "Read chapter 3" and response.json()["mentor_notes"] == "Weak on recursion"
    as_mentee = api(mentee).get(url(scheduled)).json()
    assert as_mentee["notes"] == "Read chapter 3" and as_mentee["mentor_notes"] is None


@pytest.mark.parametrize("who,field", [("mentor", "mentee_notes"), ("mentee", "mentor_notes"),
                                       ("staff", "mentee_notes"), ("staff", "mentor_notes")])
def test_a_private_note_is_written_only_by_its_owner(api, request, scheduled, who, field):
    response = api(request.getfixturevalue(who)).patch(url(scheduled), {field: "peek"}, format="json")
    assert_error(response, 403, field)
    assert getattr(Booking.objects.get(pk=scheduled.pk), field) == ""


def test_a_put_with_a_new_time_reschedules_and_records_the_move(api, mentee, scheduled, tomorrow_10):
    new_start = tomorrow_10 + timedelta(hours=3)
    response = api(mentee).put(url(scheduled), {"scheduled_at": new_start.isoformat(), "agenda": "Trees"},
                               format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agenda"] == "Trees" and body["scheduled_at"].startswith(new_start.strftime("%Y-%m-%dT%H:%M"))
    move = BookingEvent.objects.filter(booking=scheduled, moved_to__isnull=False).get()
    assert (move.moved_from, move.moved_to) == (tomorrow_10, new_start)


def test_a_refused_move_leaves_the_notes_unchanged_too(api, mentee, scheduled, tomorrow_10):
    outside_hours = tomorrow_10.replace(hour=21)
    response = api(mentee).put(url(scheduled), {"scheduled_at": outside_hours.isoformat(), "notes": "changed"},
                               format="json")
    assert_error(response, 409)  # the mentor is not free then
    booking = Booking.objects.get(pk=scheduled.pk)
    assert (booking.notes, booking.slot_id) == ("Bring code", scheduled.slot_id)
    assert not BookingEvent.objects.filter(booking=scheduled, moved_to__isnull=False).exists()


def test_the_same_time_is_no_move(api, mentee, scheduled, tomorrow_10):
    response = api(mentee).put(url(scheduled), {"scheduledAt": tomorrow_10.isoformat(), "topic": "Same time"},
                               format="json")
    assert response.status_code == 200 and response.json()["topic"] == "Same time"
    assert not BookingEvent.objects.filter(booking=scheduled, moved_to__isnull=False).exists()


@pytest.mark.parametrize("body,field", [({}, None), ({"status": "cancelled"}, "status"),
                                        ({"topic": "x" * 201}, "topic"), ({"scheduled_at": "soon"}, "scheduled_at")])
def test_a_put_with_nothing_to_change_or_a_field_it_cannot_change_is_a_400(api, mentee, scheduled, body, field):
    assert_error(api(mentee).put(url(scheduled), body, format="json"), 400, field)


def test_a_started_or_cancelled_session_cannot_be_edited(api, mentee, scheduled):
    with freeze_time(scheduled.slot.start + timedelta(minutes=5)):
        assert_error(api(mentee).patch(url(scheduled), {"notes": "late"}, format="json"), 400, "status")
    services.booking_cancel(booking_id=scheduled.pk, actor=mentee)
    assert_error(api(mentee).patch(url(scheduled), {"notes": "late"}, format="json"), 400, "status")


def test_the_mentor_keeps_private_notes_after_the_session(api, mentor, scheduled):
    with freeze_time(scheduled.slot.end + timedelta(hours=1)):
        response = api(mentor).patch(url(scheduled), {"mentor_notes": "Went well"}, format="json")
    assert response.status_code == 200 and response.json()["mentor_notes"] == "Went well"


# --- DELETE: cancel by the policy -------------------------------------------------------------------------


def test_the_mentee_cancels_early_and_gets_everything_back(api, mentee, far):
    response = api(mentee).delete(url(far), {"reason": "Ill"}, format="json")
    assert response.status_code == 204
    booking = Booking.objects.get(pk=far.pk)
    assert (booking.status, booking.payment_status, booking.cancellation_reason) == ("cancelled", "refunded", "Ill")
    assert Payment.objects.get(booking=far).status == "refunded"


def test_a_late_cancellation_refunds_the_mentors_late_share_and_takes_the_reason_from_the_query(api, mentee, far):
    mentor = far.slot.mentor
    mentor.full_refund_hours, mentor.late_refund_percent = 24, 50
    mentor.save()
    with freeze_time(far.slot.start - timedelta(hours=2)):
        response = api(mentee).delete(f"{url(far)}?reason=Stuck")
    assert response.status_code == 204
    payment = Payment.objects.get(booking=far)
    assert payment.refunded_amount == (payment.amount / 2).quantize(Decimal("0.01"))
    assert Booking.objects.get(pk=far.pk).cancellation_reason == "Stuck"


def test_cancelling_twice_or_after_the_start_is_refused_in_the_error_shape(api, mentee, scheduled, far):
    with freeze_time(far.slot.start + timedelta(minutes=1)):
        assert_error(api(mentee).delete(url(far)), 400, "status")
    assert api(mentee).delete(url(scheduled)).status_code == 204
    assert_error(api(mentee).delete(url(scheduled)), 400, "status")


def test_a_cancel_on_terms_the_user_no_longer_sees_is_a_409(api, mentee, scheduled):
    assert_error(api(mentee).delete(url(scheduled), {"expected_status": "requested"}, format="json"), 409)
    assert Booking.objects.get(pk=scheduled.pk).status == "scheduled"


# --- outsiders and staff ----------------------------------------------------------------------------------


def test_outsiders_learn_nothing_about_a_session(api, other_user, scheduled):
    client = api(other_user)
    assert_error(client.get(url(scheduled)), 404)
    assert_error(client.put(url(scheduled), {"topic": "mine now"}, format="json"), 404)
    assert_error(client.patch(url(scheduled), {"topic": "mine now"}, format="json"), 404)
    assert_error(client.delete(url(scheduled)), 404)
    booking = Booking.objects.get(pk=scheduled.pk)
    assert (booking.topic, booking.status) == ("Recursion", "scheduled")


def test_staff_edit_move_and_cancel_any_session_and_a_staff_cancellation_refunds_in_full(
    api, staff, far, tomorrow_10
):
    client = api(staff)
    assert client.get(url(far)).status_code == 200
    new_start = far.slot.start + timedelta(hours=2)
    moved = client.put(url(far), {"topic": "Set by staff", "scheduled_at": new_start.isoformat()}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["topic"] == "Set by staff" and moved.json()["mentee_notes"] is None
    assert client.delete(url(far)).status_code == 204
    assert Booking.objects.get(pk=far.pk).payment_status == "refunded"
    assert Payment.objects.get(booking=far).status == "refunded"
    assert Booking.objects.get(pk=far.pk).events.last().reason_text.startswith("Cancelled by staff.")


def _sessions(count: int) -> list[Booking]:
    mentors = [MentorProfileFactory() for _ in range(3)]
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    made = []
    for index in range(count):
        begins = start + timedelta(hours=2 * index)
        made.append(BookingFactory(mentee=UserFactory(), slot=SlotFactory(
            mentor=mentors[index % 3], start=begins, end=begins + timedelta(hours=1), seats_taken=1)))
    return made


def _sessions_going_on(count: int) -> list[Booking]:
    """Paid sessions that started five minutes ago, each with someone in its room."""
    begins = timezone.now() - timedelta(minutes=5)
    made = []
    for _ in range(count):
        booking = BookingFactory(mentee=UserFactory(), payment_status="paid", slot=SlotFactory(
            mentor=MentorProfileFactory(), start=begins, end=begins + timedelta(hours=1), seats_taken=1))
        meeting = Meeting.objects.create(slot=booking.slot, provider="builtin")
        Attendance.objects.create(meeting=meeting, user=booking.mentee, first_joined_at=begins,
                                  last_joined_at=begins)
        made.append(booking)
    return made


def test_staff_list_every_session_and_others_only_their_own(api, staff, mentee, scheduled):
    _sessions(4)
    assert api(staff).get(f"{V1}/sessions").json()["total"] == 5
    assert [item["id"] for item in api(mentee).get(f"{V1}/sessions").json()["items"]] == [scheduled.pk]


def test_staff_filter_sessions_by_mentor_mentee_status_time_and_email(api, staff):
    first, second, third, *_ = _sessions(6)
    Booking.objects.filter(pk=third.pk).update(status="cancelled")
    client = api(staff)

    def ids(**params):
        response = client.get(f"{V1}/sessions", params)
        assert response.status_code == 200, response.content
        return sorted(item["id"] for item in response.json()["items"])

    assert ids(mentor_id=first.slot.mentor_id) == _sessions_by(first.slot.mentor_id) and len(ids(
        mentor_id=first.slot.mentor_id)) == 2
    assert ids(mentee_id=second.mentee_id) == [second.pk]
    assert ids(status="cancelled") == [third.pk]
    assert ids(email=second.mentee.email.upper()[:-4]) == [second.pk]
    assert second.pk in ids(email=second.slot.mentor.user.email)
    window = {"from": first.slot.start.isoformat(), "to": third.slot.start.isoformat()}
    assert ids(**window) == [first.pk, second.pk]  # [from, to): the third starts at "to"
    day = timezone.localdate(first.slot.start)
    assert first.pk in ids(**{"from": day.isoformat(), "to": day.isoformat()})  # a date: that whole day


def _sessions_by(mentor_id: int) -> list[int]:
    return sorted(Booking.objects.filter(slot__mentor_id=mentor_id).values_list("pk", flat=True))


@pytest.mark.parametrize("params,field", [
    ({"status": "bogus"}, "status"), ({"mentor_id": "abc"}, "mentor_id"), ({"mentee_id": "0"}, "mentee_id"),
    ({"from": "yesterday"}, "from"), ({"from": "2026-03-10", "to": "2026-03-09"}, "to"),
])
def test_an_unknown_filter_value_is_a_400_naming_it(api, staff, mentee, params, field):
    assert_error(api(staff).get(f"{V1}/sessions", params), 400, field)
    assert_error(api(mentee).get(f"{V1}/sessions", params), 400, field)


@pytest.mark.parametrize("count", [3, 30])
def test_the_staff_list_runs_the_same_few_queries_for_3_or_30_sessions(
    api, staff, django_assert_max_num_queries, count
):
    _sessions(count)
    _sessions_going_on(count)
    client = api(staff)
    with django_assert_max_num_queries(SESSIONS_LIST_MAX_QUERIES):
        response = client.get(f"{V1}/sessions", {"page_size": 100, "email": "@"})
    assert response.status_code == 200 and len(response.json()["items"]) == 2 * count
    statuses = [item["live_status"] for item in response.json()["items"]]
    assert statuses.count("in-progress") == count


# --- live_status: in-progress while someone is in the open room --------------------------------------------


@pytest.fixture
def paid(scheduled):
    Booking.objects.filter(pk=scheduled.pk).update(payment_status="paid")
    scheduled.refresh_from_db()
    return scheduled


def live_statuses(client, booking) -> tuple[str, str]:
    detail = client.get(url(booking)).json()["live_status"]
    listed = {item["id"]: item["live_status"] for item in client.get(f"{V1}/sessions").json()["items"]}
    return detail, listed[booking.pk]


def test_a_session_is_in_progress_only_inside_its_window_once_someone_joined(api, mentee, mentor, paid):
    with freeze_time(paid.slot.start + timedelta(minutes=5)):
        client = api(mentee)  # a token of the frozen time
        assert live_statuses(client, paid) == ("paid", "scheduled")  # the window is open, nobody joined yet
        session_services.session_join(booking_id=paid.pk, user=mentor)
        assert live_statuses(client, paid) == ("in-progress", "in-progress")
        assert Booking.objects.get(pk=paid.pk).status == "scheduled"  # the stored status stays
        in_progress = client.get(f"{V1}/sessions", {"status": "in-progress"}).json()["items"]
        assert [item["id"] for item in in_progress] == [paid.pk]
    with freeze_time(paid.slot.end + timedelta(minutes=1)):
        client = api(mentee)
        assert live_statuses(client, paid) == ("paid", "scheduled")
        assert client.get(f"{V1}/sessions", {"status": "in-progress"}).json()["items"] == []


def test_the_pages_show_an_in_progress_badge_that_leads_to_the_room(client, mentee, mentor, paid):
    client.force_login(mentee)
    room = f"/sessions/{paid.pk}/room/"
    with freeze_time(paid.slot.start + timedelta(minutes=1)):
        assert 'data-testid="in-progress"' not in client.get("/sessions/").content.decode() + \
            client.get(f"/bookings/{paid.pk}/").content.decode()
        session_services.session_join(booking_id=paid.pk, user=mentor)
        for page in ("/sessions/", f"/bookings/{paid.pk}/"):
            html = client.get(page).content.decode()
            assert 'data-testid="in-progress"' in html and f'href="{room}"' in html, page
    with freeze_time(paid.slot.end + timedelta(minutes=1)):
        assert 'data-testid="in-progress"' not in client.get(f"/bookings/{paid.pk}/").content.decode()
