"""Spec 002, item by item: the mentee's own bookings under /api/v1/mentors/bookings/."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings import services
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentors.models import Service, Slot
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory

pytestmark = pytest.mark.django_db
S = Booking.Status

BASE = "/api/v1/mentors/bookings/"
UPCOMING = f"{BASE}upcoming/"
PAST = f"{BASE}past/"
STATISTICS = f"{BASE}statistics/"
SPEC_FIELDS = {
    "id", "mentee_name", "mentor_name", "mentor_id", "mentor_avatar", "mentor_company", "session_date",
    "session_end_date", "start_time", "end_time", "duration_minutes", "session_type", "session_type_display",
    "status", "status_display", "notes", "mentee_notes", "agenda", "meeting_link", "meeting_id", "location",
    "can_reschedule", "can_cancel", "is_upcoming", "created_at", "updated_at",
}
# Measured: the JWT user lookup, then the page count and the page (list, past); one select (upcoming);
# the counts, the completed lengths and the type tally (statistics). The same for 3 or 30 bookings.
LIST_MAX_QUERIES = 3
UPCOMING_MAX_QUERIES = 2
PAST_MAX_QUERIES = 3
STATISTICS_MAX_QUERIES = 4


def item_url(booking) -> str:
    return f"{BASE}{booking.pk}/"


def reschedule_url(booking) -> str:
    return f"{BASE}{booking.pk}/reschedule/"


def assert_error(response, status_code: int, field: str | None = None) -> dict:
    """The one error shape of the API: {"detail", "status_code", "errors": [{"field", "message"}]}."""
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"detail", "status_code", "errors"}
    assert body["status_code"] == status_code
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    assert all(set(error) == {"field", "message"} for error in body["errors"])
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body
    return body


def seats(slot) -> int:
    return Slot.objects.get(pk=slot.pk).seats_taken


def ids(response) -> list[int]:
    body = response.json()
    return [item["id"] for item in (body["items"] if isinstance(body, dict) else body)]


def hour_at(days: int, hour: int = 10) -> datetime:
    """A whole hour ``days`` from today (negative: in the past), in UTC."""
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def make_booking(mentor, mentee, start: datetime, *, minutes: int = 60, service=None, **fields) -> Booking:
    """A booking made directly, for reads: its own slot of ``mentor`` at ``start``."""
    slot = SlotFactory(mentor=mentor, service=service, start=start, end=start + timedelta(minutes=minutes),
                       seats_taken=1)
    return BookingFactory(mentee=mentee, slot=slot, service=service, **fields)


@pytest.fixture
def booked(mentee, one_seat_slot):
    """A future scheduled booking made by the rules."""
    return services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk, notes="Career guidance session")


# --- 1. list ------------------------------------------------------------------------------------------------


def test_each_listed_booking_has_exactly_the_fields_of_the_spec(api, mentee, profile, booked):
    profile.company = "Tech Corp"
    profile.save()
    response = api(mentee).get(BASE)
    assert response.status_code == 200, response.content
    [item] = response.json()["items"]
    assert set(item) == SPEC_FIELDS
    assert (item["id"], item["mentee_name"], item["mentor_name"]) == (booked.pk, "Mia Mentee", "Marcus Mentor")
    assert (item["mentor_id"], item["mentor_company"], item["mentor_avatar"]) == (profile.pk, "Tech Corp", None)
    assert (item["start_time"], item["end_time"], item["duration_minutes"]) == ("10:00:00", "11:00:00", 60)
    assert (item["session_type"], item["session_type_display"]) == ("video", "Video Call")
    assert (item["status"], item["status_display"], item["notes"]) == ("scheduled", "Scheduled",
                                                                       "Career guidance session")
    assert item["can_reschedule"] is item["can_cancel"] is item["is_upcoming"] is True
    assert datetime.fromisoformat(item["session_date"].replace("Z", "+00:00")) == booked.slot.start


def test_the_list_holds_only_my_bookings(api, mentee, other_user, profile, booked):
    make_booking(profile, other_user, hour_at(3))
    make_booking(MentorProfileFactory(), other_user, hour_at(4))
    assert ids(api(mentee).get(BASE)) == [booked.pk]
    assert api(UserFactory()).get(BASE).json() == {"items": [], "total": 0, "page": 1, "pages": 1}


def test_the_list_filters_by_status(api, mentee, profile):
    done = make_booking(profile, mentee, hour_at(-3), status=S.COMPLETED)
    gone = make_booking(profile, mentee, hour_at(3), status=S.CANCELLED)
    live = make_booking(profile, mentee, hour_at(4))
    client = api(mentee)
    assert ids(client.get(BASE, {"status": "completed"})) == [done.pk]
    assert ids(client.get(BASE, {"status": "cancelled"})) == [gone.pk]
    assert ids(client.get(BASE, {"status": "scheduled"})) == [live.pk]
    assert ids(client.get(BASE, {"status": "no_show"})) == []


def test_the_list_filters_by_session_type_and_a_booking_without_a_service_counts_as_video(api, mentee, profile):
    video = ServiceFactory(mentor=profile, session_type=Service.SessionType.VIDEO)
    chat = ServiceFactory(mentor=profile, session_type=Service.SessionType.CHAT, name="Chat")
    plain = make_booking(profile, mentee, hour_at(2))
    called = make_booking(profile, mentee, hour_at(3), service=video)
    chatted = make_booking(profile, mentee, hour_at(4), service=chat)
    client = api(mentee)
    assert set(ids(client.get(BASE, {"session_type": "video"}))) == {plain.pk, called.pk}
    assert ids(client.get(BASE, {"session_type": "chat"})) == [chatted.pk]
    assert ids(client.get(BASE, {"session_type": "in_person"})) == []
    assert client.get(BASE, {"session_type": "chat"}).json()["items"][0]["session_type_display"] == "Chat"


@pytest.mark.parametrize("params,field", [
    ({"status": "paid"}, "status"),
    ({"session_type": "telepathy"}, "session_type"),
    ({"ordering": "price"}, "ordering"),
    ({"ordering": "-mentee__password"}, "ordering"),
    ({"page": "zero"}, "page"),
    ({"page_size": "0"}, "page_size"),
])
def test_unknown_filters_orderings_and_page_numbers_are_a_400_naming_the_parameter(api, mentee, profile, params,
                                                                                     field):
    assert_error(api(mentee).get(BASE, params), 400, field=field)


@pytest.fixture
def three(mentee, profile):
    """Made in the order late, early, middle; one of each of three statuses."""
    late = make_booking(profile, mentee, hour_at(5), status=S.SCHEDULED)
    early = make_booking(profile, mentee, hour_at(-5), status=S.COMPLETED)
    middle = make_booking(profile, mentee, hour_at(1), status=S.REQUESTED)
    return late, early, middle


def test_the_list_is_newest_session_first_by_default(api, mentee, three):
    late, early, middle = three
    assert ids(api(mentee).get(BASE)) == [late.pk, middle.pk, early.pk]
    assert ids(api(mentee).get(BASE, {"ordering": "-scheduled_start"})) == [late.pk, middle.pk, early.pk]


def test_the_list_orders_by_creation(api, mentee, three):
    late, early, middle = three
    assert ids(api(mentee).get(BASE, {"ordering": "created_at"})) == [late.pk, early.pk, middle.pk]


def test_the_list_orders_by_status(api, mentee, three):
    late, early, middle = three
    response = api(mentee).get(BASE, {"ordering": "status"})
    assert [item["status"] for item in response.json()["items"]] == ["completed", "requested", "scheduled"]
    assert ids(response) == [early.pk, middle.pk, late.pk]


def test_the_list_pages_with_page_and_page_size(api, mentee, profile):
    made = [make_booking(profile, mentee, hour_at(day)) for day in range(1, 6)]
    newest_first = [b.pk for b in reversed(made)]
    client = api(mentee)
    first = client.get(BASE, {"page": 1, "page_size": 2}).json()
    assert ([i["id"] for i in first["items"]], first["total"], first["page"], first["pages"]) == (
        newest_first[:2], 5, 1, 3)
    assert ids(client.get(BASE, {"page": 3, "page_size": 2})) == newest_first[4:]
    assert ids(client.get(BASE, {"page": 4, "page_size": 2})) == []


def test_creating_through_the_list_is_a_405(api, mentee, one_seat_slot):
    assert_error(api(mentee).post(BASE, {"slot_id": one_seat_slot.pk}), 405)
    assert not Booking.objects.exists() and seats(one_seat_slot) == 0


def test_every_endpoint_needs_a_login(api, booked):
    for method, url in [("get", BASE), ("get", item_url(booked)), ("patch", item_url(booked)),
                        ("delete", item_url(booked)), ("get", UPCOMING), ("get", PAST), ("get", STATISTICS),
                        ("post", reschedule_url(booked))]:
        assert_error(getattr(api(), method)(url), 401)
    assert Booking.objects.get(pk=booked.pk).status == S.SCHEDULED


# --- 2. retrieve, and other people's bookings --------------------------------------------------------------


def test_the_mentee_reads_one_booking(api, mentee, booked):
    response = api(mentee).get(item_url(booked))
    assert response.status_code == 200
    assert set(response.json()) == SPEC_FIELDS and response.json()["id"] == booked.pk


@pytest.mark.parametrize("method,path,body", [
    ("get", "{id}/", None),
    ("put", "{id}/", {"notes": "mine now"}),
    ("patch", "{id}/", {"notes": "mine now"}),
    ("delete", "{id}/", None),
    ("post", "{id}/reschedule/", {"session_date": "2031-01-01", "start_time": "10:00"}),
])
def test_another_users_booking_is_a_404_for_every_action(api, other_user, booked, one_seat_slot, method, path, body):
    response = getattr(api(other_user), method)(BASE + path.format(id=booked.pk), body)
    assert_error(response, 404)
    booked.refresh_from_db()
    assert (booked.status, booked.notes, booked.slot_id) == (S.SCHEDULED, "Career guidance session", one_seat_slot.pk)
    assert seats(one_seat_slot) == 1


def test_the_mentor_of_the_booking_does_not_manage_it_here_either(api, mentor, booked):
    assert_error(api(mentor).get(item_url(booked)), 404)
    assert_error(api(mentor).delete(item_url(booked)), 404)


def test_an_unknown_booking_is_a_404(api, mentee, profile):
    assert_error(api(mentee).get(f"{BASE}999999/"), 404)


# --- 3. update: only notes, mentee_notes, agenda ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch"])
def test_an_update_changes_only_the_notes_the_mentee_notes_and_the_agenda(api, mentee, booked, method):
    body = {"notes": "Shared", "mentee_notes": "Mine", "agenda": "1. CV 2. Offers", "status": "completed",
            "duration_minutes": 240, "session_date": "2031-01-01T00:00:00Z", "mentor_id": 999, "location": "Mars"}
    response = getattr(api(mentee), method)(item_url(booked), body)
    assert response.status_code == 200, response.content
    item = response.json()
    assert (item["notes"], item["mentee_notes"], item["agenda"]) == ("Shared", "Mine", "1. CV 2. Offers")
    assert (item["status"], item["duration_minutes"], item["location"]) == ("scheduled", 60, "")
    stored = Booking.objects.select_related("slot").get(pk=booked.pk)
    assert (stored.notes, stored.mentee_notes, stored.agenda) == ("Shared", "Mine", "1. CV 2. Offers")
    assert (stored.status, stored.slot_id, stored.slot.duration_minutes) == (S.SCHEDULED, booked.slot_id, 60)


def test_a_partial_update_leaves_the_other_notes_alone(api, mentee, booked):
    Booking.objects.filter(pk=booked.pk).update(agenda="Keep me", mentee_notes="Me too")
    response = api(mentee).patch(item_url(booked), {"notes": "Only this"})
    assert response.status_code == 200
    stored = Booking.objects.get(pk=booked.pk)
    assert (stored.notes, stored.agenda, stored.mentee_notes) == ("Only this", "Keep me", "Me too")


def test_sending_only_read_only_fields_changes_nothing(api, mentee, booked):
    response = api(mentee).patch(item_url(booked), {"status": "cancelled", "duration_minutes": 15})
    assert response.status_code == 200
    stored = Booking.objects.get(pk=booked.pk)
    assert (stored.status, stored.slot.duration_minutes, stored.notes) == (S.SCHEDULED, 60,
                                                                           "Career guidance session")


def test_a_requested_future_booking_can_be_edited(api, mentee, profile):
    waiting = make_booking(profile, mentee, hour_at(2), status=S.REQUESTED)
    assert api(mentee).patch(item_url(waiting), {"agenda": "Salary talk"}).status_code == 200
    assert Booking.objects.get(pk=waiting.pk).agenda == "Salary talk"


@pytest.mark.parametrize("status,days", [(S.SCHEDULED, -2), (S.COMPLETED, -2), (S.CANCELLED, 2), (S.NO_SHOW, -2),
                                         (S.DECLINED, 2), (S.EXPIRED, 2)])
def test_a_past_or_finished_booking_cannot_be_edited(api, mentee, profile, status, days):
    booking = make_booking(profile, mentee, hour_at(days), status=status, notes="as it was")
    for method in ("put", "patch"):
        assert_error(getattr(api(mentee), method)(item_url(booking), {"notes": "rewritten"}), 400, field="status")
    assert Booking.objects.get(pk=booking.pk).notes == "as it was"


def test_too_long_notes_are_a_400_naming_the_field(api, mentee, booked):
    assert_error(api(mentee).patch(item_url(booked), {"agenda": "x" * 4001}), 400, field="agenda")


# --- 4. delete cancels --------------------------------------------------------------------------------------------


def test_deleting_cancels_the_booking_and_frees_the_seat(api, mentee, booked, one_seat_slot):
    response = api(mentee).delete(item_url(booked))
    assert response.status_code == 204 and not response.content
    stored = Booking.objects.get(pk=booked.pk)
    assert (stored.status, stored.cancelled_by) == (S.CANCELLED, mentee)
    assert stored.events.last().to_status == "cancelled"
    assert seats(one_seat_slot) == 0


def test_deleting_a_requested_booking_cancels_it_too(api, mentee, confirming_profile, one_seat_slot):
    waiting = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    assert api(mentee).delete(item_url(waiting)).status_code == 204
    assert Booking.objects.get(pk=waiting.pk).status == S.CANCELLED and seats(one_seat_slot) == 0


@pytest.mark.parametrize("status,days", [(S.SCHEDULED, -2), (S.COMPLETED, -2), (S.CANCELLED, 2), (S.NO_SHOW, -2)])
def test_a_past_completed_cancelled_or_no_show_booking_cannot_be_deleted(api, mentee, profile, status, days):
    booking = make_booking(profile, mentee, hour_at(days), status=status)
    assert_error(api(mentee).delete(item_url(booking)), 400)
    assert Booking.objects.get(pk=booking.pk).status == status
    assert seats(booking.slot) == 1


def test_a_booking_that_has_started_cannot_be_deleted(api, mentee, profile):
    started = make_booking(profile, mentee, timezone.now() - timedelta(minutes=10))
    assert_error(api(mentee).delete(item_url(started)), 400)
    assert Booking.objects.get(pk=started.pk).status == S.SCHEDULED


# --- 5. upcoming --------------------------------------------------------------------------------------------------


def test_upcoming_gives_at_most_ten_future_live_bookings_soonest_first(api, mentee, profile):
    future = [make_booking(profile, mentee, hour_at(day), status=S.REQUESTED if day % 3 else S.SCHEDULED)
              for day in range(12, 0, -1)]  # made latest first
    make_booking(profile, mentee, hour_at(-1))  # past, still "scheduled"
    make_booking(profile, mentee, hour_at(1, hour=14), status=S.CANCELLED)
    make_booking(profile, mentee, hour_at(1, hour=15), status=S.COMPLETED)
    make_booking(profile, mentee, hour_at(1, hour=16), status=S.DECLINED)
    make_booking(MentorProfileFactory(), UserFactory(), hour_at(1))  # someone else's
    response = api(mentee).get(UPCOMING)
    assert response.status_code == 200, response.content
    soonest_first = [b.pk for b in sorted(future, key=lambda b: b.slot.start)]
    assert ids(response) == soonest_first[:10]
    assert {item["status"] for item in response.json()} == {"requested", "scheduled"}
    assert all(item["is_upcoming"] for item in response.json())
    assert set(response.json()[0]) == SPEC_FIELDS


def test_upcoming_with_nothing_ahead_is_an_empty_list(api, mentee, profile):
    make_booking(profile, mentee, hour_at(-1))
    assert api(mentee).get(UPCOMING).json() == []


# --- 6. past ------------------------------------------------------------------------------------------------------


def test_past_pages_twenty_at_a_time_newest_first(api, mentee, profile):
    made = [make_booking(profile, mentee, hour_at(-day), status=S.COMPLETED) for day in range(1, 26)]
    make_booking(profile, mentee, hour_at(2))  # upcoming: not past
    client = api(mentee)
    first = client.get(PAST).json()
    assert (first["total"], first["page"], first["pages"], len(first["items"])) == (25, 1, 2, 20)
    assert [item["id"] for item in first["items"]] == [b.pk for b in made[:20]]
    assert ids(client.get(PAST, {"page": 2})) == [b.pk for b in made[20:]]
    assert len(client.get(PAST, {"page_size": 5}).json()["items"]) == 5
    assert set(first["items"][0]) == SPEC_FIELDS


def test_past_includes_cancelled_bookings_even_for_a_future_time(api, mentee, profile):
    dropped = make_booking(profile, mentee, hour_at(3), status=S.CANCELLED)
    missed = make_booking(profile, mentee, hour_at(-3), status=S.NO_SHOW)
    lapsed = make_booking(profile, mentee, hour_at(-4), status=S.SCHEDULED)
    make_booking(profile, mentee, hour_at(4))
    assert ids(api(mentee).get(PAST)) == [dropped.pk, missed.pk, lapsed.pk]


def test_past_holds_only_my_bookings(api, mentee, other_user, profile):
    make_booking(profile, other_user, hour_at(-2), status=S.COMPLETED)
    assert api(mentee).get(PAST).json()["items"] == []


# --- 7. reschedule ------------------------------------------------------------------------------------------------


@pytest.fixture
def confirming_profile(profile):
    profile.requires_confirmation, profile.hold_minutes = True, 30
    profile.save()
    return profile


def moscow(user):
    user.timezone = "Europe/Moscow"
    user.save(update_fields=["timezone"])
    return user


def test_rescheduling_reads_the_date_and_time_in_the_mentees_zone(api, mentee, booked, one_seat_slot, tomorrow_10):
    moscow(mentee)
    day = (tomorrow_10 + timedelta(days=1)).date()
    response = api(mentee).post(reschedule_url(booked), {"session_date": day.isoformat(), "start_time": "14:00",
                                                          "duration": 60})
    assert response.status_code == 200, response.content
    stored = Booking.objects.select_related("slot").get(pk=booked.pk)
    assert stored.slot.start == datetime.combine(day, time(11), tzinfo=UTC)  # 14:00 in Moscow is 11:00 UTC
    assert stored.slot.duration_minutes == 60 and stored.status == S.SCHEDULED
    assert stored.rescheduled_from_id == one_seat_slot.pk and seats(one_seat_slot) == 0
    assert response.json()["id"] == booked.pk and set(response.json()) == SPEC_FIELDS


def test_the_rescheduled_booking_shows_its_new_start_in_the_mentees_own_zone(api, mentee, booked, tomorrow_10):
    moscow(mentee)
    day = (tomorrow_10 + timedelta(days=1)).date()
    response = api(mentee).post(reschedule_url(booked), {"session_date": day.isoformat(), "start_time": "14:00"})
    assert response.status_code == 200, response.content
    # The time the mentee asked for is the time they are shown back, in the same zone.
    assert (response.json()["start_time"], response.json()["end_time"]) == ("14:00:00", "15:00:00")
    assert api(mentee).get(item_url(booked)).json()["start_time"] == "14:00:00"


def test_rescheduling_to_another_length_is_a_400_and_changes_nothing(api, mentee, booked, tomorrow_10):
    day = (tomorrow_10 + timedelta(days=2)).date()
    response = api(mentee).post(reschedule_url(booked), {"session_date": day.isoformat(), "start_time": "12:00",
                                                          "duration": 480})
    assert_error(response, 400, field="duration")
    assert "keeps the session's length" in response.json()["detail"]
    stored = Booking.objects.get(pk=booked.pk)
    assert (stored.slot_id, stored.price) == (booked.slot_id, booked.price)


def test_rescheduling_with_the_same_duration_keeps_length_service_and_price(api, mentee, booked, tomorrow_10):
    day = (tomorrow_10 + timedelta(days=2)).date()
    response = api(mentee).post(reschedule_url(booked), {"session_date": day.isoformat(), "start_time": "12:00",
                                                          "duration": booked.slot.duration_minutes})
    assert response.status_code == 200, response.content
    stored = Booking.objects.get(pk=booked.pk)
    assert (stored.slot.duration_minutes, stored.service_id, stored.price) == (
        booked.slot.duration_minutes, booked.service_id, booked.price)


def test_rescheduling_a_requested_booking_keeps_it_requested_for_the_mentor(api, mentee, confirming_profile,
                                                                             one_seat_slot, tomorrow_10):
    waiting = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    assert waiting.status == S.REQUESTED
    day = (tomorrow_10 + timedelta(days=1)).date()
    response = api(mentee).post(reschedule_url(waiting), {"session_date": day.isoformat(), "start_time": "15:00:00",
                                                          "duration": 60})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "requested"
    stored = Booking.objects.get(pk=waiting.pk)
    assert stored.status == S.REQUESTED and stored.hold_expires_at > timezone.now()


@pytest.mark.parametrize("status,days", [(S.COMPLETED, -2), (S.CANCELLED, 2), (S.NO_SHOW, -2), (S.SCHEDULED, -2)])
def test_a_finished_or_past_booking_cannot_be_rescheduled(api, mentee, profile, tomorrow_10, status, days):
    booking = make_booking(profile, mentee, hour_at(days), status=status)
    day = (tomorrow_10 + timedelta(days=3)).date()
    response = api(mentee).post(reschedule_url(booking), {"session_date": day.isoformat(), "start_time": "10:00"})
    assert_error(response, 400, field="status")
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.slot_id) == (status, booking.slot_id)


@pytest.mark.parametrize("body,field", [
    ({"session_date": "15/10/2030", "start_time": "14:30"}, "session_date"),
    ({"session_date": "2030-02-30", "start_time": "14:30"}, "session_date"),
    ({"session_date": "2030-10-15", "start_time": "25:61"}, "start_time"),
    ({"session_date": "2030-10-15", "start_time": "half past two"}, "start_time"),
    ({"start_time": "14:30"}, "session_date"),
    ({"session_date": "2030-10-15", "start_time": "14:30", "duration": 5}, "duration"),
])
def test_a_malformed_date_or_time_is_a_400_naming_the_field(api, mentee, booked, one_seat_slot, body, field):
    assert_error(api(mentee).post(reschedule_url(booked), body), 400, field=field)
    assert Booking.objects.get(pk=booked.pk).slot_id == one_seat_slot.pk


def test_rescheduling_into_a_taken_time_is_a_409_and_changes_nothing(api, mentee, other_user, profile, booked,
                                                                     one_seat_slot, tomorrow_10):
    taken = tomorrow_10 + timedelta(days=1, hours=2)
    services.booking_hold(mentee=other_user, mentor_id=profile.pk, start=taken, duration_minutes=60)
    response = api(mentee).post(reschedule_url(booked), {"session_date": taken.date().isoformat(),
                                                          "start_time": "12:00", "duration": 60})
    assert_error(response, 409)
    stored = Booking.objects.get(pk=booked.pk)
    assert (stored.slot_id, stored.ical_sequence, seats(one_seat_slot)) == (one_seat_slot.pk, 0, 1)


def test_rescheduling_outside_the_mentors_hours_is_a_409(api, mentee, booked, tomorrow_10):
    day = (tomorrow_10 + timedelta(days=1)).date()
    assert_error(api(mentee).post(reschedule_url(booked), {"session_date": day.isoformat(), "start_time": "20:00"}),
                 409)


# --- 8. statistics ------------------------------------------------------------------------------------------------


def test_statistics_give_the_six_numbers_of_the_spec(api, mentee, profile):
    make_booking(profile, mentee, hour_at(-3), minutes=90, status=S.COMPLETED)
    make_booking(profile, mentee, hour_at(-2), minutes=30, status=S.COMPLETED)
    make_booking(profile, mentee, hour_at(2), status=S.SCHEDULED)
    make_booking(profile, mentee, hour_at(3), status=S.REQUESTED)
    make_booking(profile, mentee, hour_at(4), status=S.CANCELLED)
    make_booking(profile, UserFactory(), hour_at(-4), minutes=120, status=S.COMPLETED)  # someone else's
    response = api(mentee).get(STATISTICS)
    assert response.status_code == 200, response.content
    assert response.json() == {"total_sessions": 5, "completed_sessions": 2, "upcoming_sessions": 2,
                               "cancelled_sessions": 1, "total_hours": 2.0, "favorite_session_types": ["video"]}


def test_statistics_of_a_new_mentee_are_zero(api, mentee):
    assert api(mentee).get(STATISTICS).json() == {
        "total_sessions": 0, "completed_sessions": 0, "upcoming_sessions": 0, "cancelled_sessions": 0,
        "total_hours": 0.0, "favorite_session_types": []}


def test_total_hours_come_from_the_real_lengths_of_completed_sessions_only(api, mentee, profile):
    make_booking(profile, mentee, hour_at(-5), minutes=45, status=S.COMPLETED)
    make_booking(profile, mentee, hour_at(-4), minutes=45, status=S.COMPLETED)
    make_booking(profile, mentee, hour_at(-3), minutes=60, status=S.NO_SHOW)
    make_booking(profile, mentee, hour_at(-2), minutes=240, status=S.SCHEDULED)  # past, never completed
    assert api(mentee).get(STATISTICS).json()["total_hours"] == 1.5


def test_favorite_session_types_are_ordered_by_use(api, mentee, profile):
    chat = ServiceFactory(mentor=profile, session_type=Service.SessionType.CHAT, name="Chat")
    email = ServiceFactory(mentor=profile, session_type=Service.SessionType.EMAIL, name="Email")
    for day in (1, 2, 3):
        make_booking(profile, mentee, hour_at(day), service=chat)
    make_booking(profile, mentee, hour_at(4), service=email)
    assert api(mentee).get(STATISTICS).json()["favorite_session_types"] == ["chat", "email"]


def test_favorite_session_types_count_bookings_without_a_service_as_video(api, mentee, profile):
    # Video 4 (2 on a video service, 2 without a service) beats chat 3.
    video = ServiceFactory(mentor=profile, session_type=Service.SessionType.VIDEO)
    chat = ServiceFactory(mentor=profile, session_type=Service.SessionType.CHAT, name="Chat")
    for day, service in [(1, video), (2, video), (3, None), (4, None), (5, chat), (6, chat), (7, chat)]:
        make_booking(profile, mentee, hour_at(day), service=service)
    assert api(mentee).get(STATISTICS).json()["favorite_session_types"] == ["video", "chat"]


# --- query counts -------------------------------------------------------------------------------------------------


def _bookings_of(mentee, count: int) -> None:
    """``count`` bookings of the mentee with three mentors, some with a service, half past, mixed statuses."""
    mentors = [MentorProfileFactory(company=f"Company {index}") for index in range(3)]
    statuses = [S.SCHEDULED, S.REQUESTED, S.COMPLETED, S.CANCELLED, S.NO_SHOW]
    for index in range(count):
        mentor = mentors[index % 3]
        kind = Service.SessionType.values[index % 4]
        service = ServiceFactory(mentor=mentor, session_type=kind) if index % 2 else None
        days = index + 1 if index % 2 else -(index + 1)
        status = statuses[index % 5] if days < 0 else statuses[index % 2]
        make_booking(mentor, mentee, hour_at(days), service=service, status=status)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("url,params,bound", [
    (BASE, {"page_size": 100}, LIST_MAX_QUERIES),
    (BASE, {"page_size": 100, "status": "scheduled", "session_type": "video", "ordering": "status"}, LIST_MAX_QUERIES),
    (UPCOMING, {}, UPCOMING_MAX_QUERIES),
    (PAST, {"page_size": 100}, PAST_MAX_QUERIES),
    (STATISTICS, {}, STATISTICS_MAX_QUERIES),
])
def test_each_read_runs_the_same_few_queries_for_3_or_30_bookings(api, mentee, django_assert_max_num_queries, count,
                                                                  url, params, bound):
    _bookings_of(mentee, count)
    client = api(mentee)
    with django_assert_max_num_queries(bound):
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    if url == STATISTICS:
        assert body["total_sessions"] == count
    else:
        assert body if url == UPCOMING else body["items"]


@pytest.mark.parametrize("path", ["", "{pk}", "upcoming", "past", "statistics"])
def test_every_route_answers_with_or_without_its_trailing_slash(api, mentee, booked, path):
    base = f"/api/v1/mentors/bookings/{path.format(pk=booked.pk)}".rstrip("/")
    client = api(mentee)
    assert client.get(base).status_code == 200
    assert client.get(base + "/").status_code == 200
