"""The booking flow over HTTP: booking/hold, confirm, decline, cancel, sessions, mentors/{id}/book, mentors/me/*.

Specs 000 (the hold -> confirm flow and its curl examples), 001 (a student books a slot) and 004 ("Сессии").
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings import services
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentors.models import Slot
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory

pytestmark = pytest.mark.django_db
S = Booking.Status

V1 = "/api/v1"
# The JWT user lookup, the page count and the page itself, however many sessions there are.
SESSIONS_LIST_MAX_QUERIES = 3


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


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def hold(client, slot, prefix: str = V1, **extra):
    return client.post(f"{prefix}/booking/hold", {"slotId": str(slot.pk), **extra})


@pytest.fixture
def confirming(profile):
    """The mentor answers each request within 30 minutes."""
    profile.requires_confirmation, profile.hold_minutes = True, 30
    profile.save()
    return profile


@pytest.fixture
def requested(mentee, confirming, one_seat_slot):
    return services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)


@pytest.fixture
def scheduled(mentee, one_seat_slot):
    return services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)


# --- spec 000: hold -> confirm, exactly as the curl examples ------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api", "/api/v1"])
def test_a_request_is_held_then_confirmed_by_the_mentor_exactly_as_the_spec_curl_examples(
    api, mentee, mentor, confirming, service, one_seat_slot, prefix
):
    held = api(mentee).post(f"{prefix}/booking/hold", {"slotId": str(one_seat_slot.pk), "serviceId": str(service.pk)})
    assert held.status_code == 201, held.content
    booking = held.json()
    assert (booking["status"], booking["flow_status"]) == ("requested", "requested")
    assert (booking["slot_id"], booking["service_id"]) == (one_seat_slot.pk, service.pk)
    assert booking["hold_expires_at"] is not None and seats(one_seat_slot) == 1

    confirmed = api(mentor).post(f"{prefix}/booking/confirm", {"sessionId": str(booking["id"])})
    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["status"], confirmed.json()["flow_status"]) == ("scheduled", "booked")
    assert confirmed.json()["hold_expires_at"] is None

    detail = api(mentee).get(f"{prefix}/booking/{booking['id']}")
    assert detail.status_code == 200
    history = [(e["from_status"], e["to_status"], e["actor"]) for e in detail.json()["history"]]
    assert history == [("", "requested", "Mia Mentee"), ("requested", "scheduled", "Marcus Mentor")]

    mine = api(mentee).get(f"{prefix}/sessions")
    assert mine.status_code == 200
    assert [item["id"] for item in mine.json()["items"]] == [booking["id"]]


def test_a_mentor_who_needs_no_confirmation_is_booked_at_once(api, mentee, one_seat_slot):
    response = hold(api(mentee), one_seat_slot)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["flow_status"], body["hold_expires_at"]) == ("scheduled", "booked", None)
    assert [(e["from_status"], e["to_status"]) for e in body["history"]] == [("", "scheduled")]
    assert body["mentor"] == {"id": one_seat_slot.mentor_id, "full_name": "Marcus Mentor"}
    assert body["mentee"]["id"] == mentee.pk
    assert body["payment_url"].endswith(f"/bookings/{body['id']}/pay/")  # priced and unpaid: the checkout
    assert seats(one_seat_slot) == 1


def test_a_hold_without_a_slot_id_is_a_400_naming_slot_id(api, mentee, profile):
    assert_error(api(mentee).post(f"{V1}/booking/hold", {"serviceId": "1"}), 400, field="slot_id")


def test_a_hold_on_an_unknown_slot_is_a_404(api, mentee, profile):
    assert_error(api(mentee).post(f"{V1}/booking/hold", {"slotId": "999999"}), 404)


def test_a_hold_on_a_full_slot_is_a_409_and_takes_no_seat(api, mentee, other_user, one_seat_slot):
    services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk)
    assert_error(hold(api(mentee), one_seat_slot), 409)
    assert seats(one_seat_slot) == 1
    assert not Booking.objects.filter(mentee=mentee).exists()


def test_a_mentor_cannot_hold_a_seat_in_their_own_slot(api, mentor, one_seat_slot):
    assert_error(hold(api(mentor), one_seat_slot), 400, field="mentor_id")
    assert seats(one_seat_slot) == 0


def test_a_service_of_another_mentor_is_refused_on_hold(api, mentee, one_seat_slot):
    foreign = ServiceFactory()
    assert_error(hold(api(mentee), one_seat_slot, serviceId=str(foreign.pk)), 400, field="service_id")
    assert seats(one_seat_slot) == 0


# --- the mentor's answer -------------------------------------------------------------------------------------


def test_the_mentee_cannot_confirm_their_own_request(api, mentee, requested):
    assert_error(api(mentee).post(f"{V1}/booking/confirm", {"sessionId": str(requested.pk)}), 403)
    assert Booking.objects.get(pk=requested.pk).status == S.REQUESTED


def test_an_outsider_confirming_learns_nothing_not_even_that_the_booking_exists(api, other_user, requested):
    assert_error(api(other_user).post(f"{V1}/booking/confirm", {"sessionId": str(requested.pk)}), 404)
    assert Booking.objects.get(pk=requested.pk).status == S.REQUESTED


def test_confirming_a_booking_that_is_not_requested_is_a_409(api, mentor, scheduled):
    assert_error(api(mentor).post(f"{V1}/booking/confirm", {"sessionId": str(scheduled.pk)}), 409)


def test_confirming_without_a_session_id_is_a_400(api, mentor, profile):
    assert_error(api(mentor).post(f"{V1}/booking/confirm", {}), 400, field="session_id")


def test_declining_a_request_frees_the_seat(api, mentor, requested, one_seat_slot):
    response = api(mentor).post(f"{V1}/booking/decline", {"sessionId": str(requested.pk), "reason": "Away that week"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined"
    assert response.json()["history"][-1]["reason"] == "Declined by the mentor. Away that week"
    assert seats(one_seat_slot) == 0


def test_the_mentee_cannot_decline_their_own_request(api, mentee, requested, one_seat_slot):
    assert_error(api(mentee).post(f"{V1}/booking/decline", {"sessionId": str(requested.pk)}), 403)
    assert seats(one_seat_slot) == 1


# --- reading one booking ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["booking/{id}", "sessions/{id}"])
def test_an_outsider_cannot_see_a_booking(api, other_user, scheduled, path):
    assert_error(api(other_user).get(f"{V1}/{path.format(id=scheduled.pk)}"), 404)


def test_an_unknown_booking_is_a_404(api, mentee, profile):
    assert_error(api(mentee).get(f"{V1}/booking/999999"), 404)


@pytest.mark.parametrize("path", ["booking/{id}", "sessions/{id}"])
def test_only_the_mentor_sees_the_private_mentor_notes(api, mentee, mentor, scheduled, path):
    Booking.objects.filter(pk=scheduled.pk).update(mentor_notes="Weak on recursion")
    url = f"{V1}/{path.format(id=scheduled.pk)}"
    as_mentor = api(mentor).get(url)
    assert as_mentor.status_code == 200
    assert as_mentor.json()["mentor_notes"] == "Weak on recursion"
    as_mentee = api(mentee).get(url)
    assert as_mentee.status_code == 200
    assert as_mentee.json()["mentor_notes"] is None


@pytest.mark.parametrize("path", ["booking/{id}", "sessions/{id}"])
def test_only_the_mentee_sees_their_own_mentee_notes(api, mentee, mentor, staff, scheduled, path):
    Booking.objects.filter(pk=scheduled.pk).update(mentee_notes="Nervous about system design")
    url = f"{V1}/{path.format(id=scheduled.pk)}"
    as_mentee = api(mentee).get(url)
    assert as_mentee.status_code == 200
    assert as_mentee.json()["mentee_notes"] == "Nervous about system design"
    for other in (mentor, staff):
        response = api(other).get(url)
        assert response.status_code == 200
        assert response.json()["mentee_notes"] is None
        assert "Nervous" not in response.content.decode()


def test_the_mentors_own_lists_never_carry_mentee_notes(api, mentee, mentor, confirming, one_seat_slot, group_slot):
    requested = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    confirmed = services.booking_hold(mentee=mentee, slot_id=group_slot.pk)
    services.booking_confirm(booking_id=confirmed.pk, actor=mentor)
    Booking.objects.filter(pk__in=[requested.pk, confirmed.pk]).update(mentee_notes="Nervous about system design")
    for path in ("mentors/me/requests", "mentors/me/bookings", "sessions", "sessions?status=scheduled"):
        response = api(mentor).get(f"{V1}/{path}")
        assert response.status_code == 200 and response.json()["items"], path
        assert "Nervous" not in response.content.decode(), path


# --- cancelling -------------------------------------------------------------------------------------------------


def test_the_mentee_cancels_with_a_reason_and_the_seat_returns(api, mentee, scheduled, one_seat_slot):
    response = api(mentee).patch(f"{V1}/booking/{scheduled.pk}/cancel", {"reason": "Feeling ill"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "Feeling ill")
    assert body["history"][-1]["to_status"] == "cancelled"
    assert seats(one_seat_slot) == 0
    assert Booking.objects.get(pk=scheduled.pk).cancelled_by == mentee


def test_cancelling_twice_is_a_400(api, mentee, scheduled, one_seat_slot):
    client = api(mentee)
    assert client.patch(f"{V1}/booking/{scheduled.pk}/cancel", {"reason": "Ill"}).status_code == 200
    assert_error(client.patch(f"{V1}/booking/{scheduled.pk}/cancel", {}), 400, field="status")
    assert seats(one_seat_slot) == 0


def test_the_mentor_may_cancel_too(api, mentor, scheduled, one_seat_slot):
    response = api(mentor).patch(f"{V1}/booking/{scheduled.pk}/cancel", {})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert seats(one_seat_slot) == 0


def test_an_outsider_cannot_cancel(api, other_user, scheduled, one_seat_slot):
    assert_error(api(other_user).patch(f"{V1}/booking/{scheduled.pk}/cancel", {}), 404)
    assert Booking.objects.get(pk=scheduled.pk).status == S.SCHEDULED and seats(one_seat_slot) == 1


# --- authentication ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", [
    ("post", "booking/hold"), ("post", "booking/confirm"), ("post", "booking/decline"), ("get", "booking/{id}"),
    ("patch", "booking/{id}/cancel"), ("get", "sessions"), ("post", "sessions"), ("get", "sessions/{id}"),
    ("post", "mentors/{mentor}/book"), ("get", "mentors/me/requests"), ("get", "mentors/me/bookings"),
])
def test_every_booking_endpoint_needs_a_login(api, scheduled, profile, method, path):
    url = f"{V1}/{path.format(id=scheduled.pk, mentor=profile.pk)}"
    assert_error(getattr(api(), method)(url, {}), 401)
    assert Booking.objects.get(pk=scheduled.pk).status == S.SCHEDULED


# --- spec 004: POST /sessions -----------------------------------------------------------------------------------


def session_body(profile, start: datetime, **changes) -> dict:
    body = {"mentor_id": profile.pk, "scheduled_at": start.isoformat().replace("+00:00", "Z"), "duration_minutes": 60,
            "topic": "Подготовка к собеседованию", "notes": "Нужна помощь с алгоритмами"}
    return {**body, **changes}


def test_booking_a_session_answers_as_the_spec_shows(api, mentee, profile, tomorrow_10):
    start = tomorrow_10.replace(hour=15)
    response = api(mentee).post(f"{V1}/sessions", session_body(profile, start))
    assert response.status_code == 201, response.content
    body = response.json()
    assert {"id", "mentor", "scheduled_at", "duration_minutes", "status", "price", "payment_url"} <= set(body)
    assert body["mentor"] == {"id": profile.pk, "full_name": "Marcus Mentor"}
    assert parse(body["scheduled_at"]) == start
    assert (body["duration_minutes"], body["status"]) == (60, "scheduled")
    assert body["payment_url"].endswith(f"/bookings/{body['id']}/pay/")
    assert Decimal(str(body["price"])) == Decimal("3000.00")
    booking = Booking.objects.get(pk=body["id"])
    assert (booking.mentee, booking.slot.start, booking.slot.mentor) == (mentee, start, profile)
    assert (booking.topic, booking.notes) == ("Подготовка к собеседованию", "Нужна помощь с алгоритмами")


def test_booking_a_session_with_the_camel_case_names_works_too(api, mentee, profile, tomorrow_10):
    start = tomorrow_10.replace(hour=12)
    response = api(mentee).post("/api/sessions", {"mentorId": str(profile.pk), "scheduledAt": start.isoformat(),
                                                    "durationMinutes": 60})
    assert response.status_code == 201, response.content
    assert parse(response.json()["scheduled_at"]) == start


@pytest.mark.parametrize("hour", [7, 17, 20])
def test_a_session_outside_the_mentors_hours_is_a_409(api, mentee, profile, tomorrow_10, hour):
    response = api(mentee).post(f"{V1}/sessions", session_body(profile, tomorrow_10.replace(hour=hour)))
    assert_error(response, 409)
    assert not Booking.objects.exists()


def test_a_session_at_a_taken_time_is_a_409(api, mentee, other_user, profile, tomorrow_10):
    services.booking_hold(mentee=other_user, mentor_id=profile.pk, start=tomorrow_10, duration_minutes=60)
    assert_error(api(mentee).post(f"{V1}/sessions", session_body(profile, tomorrow_10)), 409)


def test_a_session_for_an_unknown_mentor_is_a_404(api, mentee, profile, tomorrow_10):
    assert_error(api(mentee).post(f"{V1}/sessions", session_body(profile, tomorrow_10, mentor_id=999999)), 404)


def test_a_session_without_a_time_is_a_400_naming_it(api, mentee, profile):
    assert_error(api(mentee).post(f"{V1}/sessions", {"mentor_id": profile.pk}), 400, field="scheduled_at")


def test_a_duration_that_matches_a_service_books_that_service_at_its_price(api, mentee, profile, tomorrow_10):
    service = ServiceFactory(mentor=profile, duration_minutes=60, price=Decimal("2500.00"))
    response = api(mentee).post(f"{V1}/sessions", session_body(profile, tomorrow_10, duration_minutes=60))
    assert response.status_code == 201, response.content
    assert Decimal(str(response.json()["price"])) == Decimal("2500.00")
    assert Booking.objects.get(pk=response.json()["id"]).service == service


@pytest.mark.parametrize("minutes,price", [(90, "4500.00"), (45, "2250.00"), (120, "6000.00")])
def test_a_duration_no_service_offers_is_still_bookable_at_the_hourly_rate(
    api, mentee, profile, service, tomorrow_10, minutes, price
):
    # The mentor sells only a 60-minute service; any other length is priced at 3000/hour for its minutes.
    # Free starts step by the session's length from the start of the hours (09:00), so 09:00 fits every length.
    start = tomorrow_10.replace(hour=9)
    response = api(mentee).post(f"{V1}/sessions", session_body(profile, start, duration_minutes=minutes))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["duration_minutes"] == minutes
    assert Decimal(str(body["price"])) == Decimal(price)
    booking = Booking.objects.get(pk=body["id"])
    assert booking.service is None and booking.slot.end - booking.slot.start == timedelta(minutes=minutes)


def test_a_mentor_who_confirms_gets_a_requested_session(api, mentee, confirming, tomorrow_10):
    response = api(mentee).post(f"{V1}/sessions", session_body(confirming, tomorrow_10))
    assert response.status_code == 201 and response.json()["status"] == "requested"


# --- spec 004: GET /sessions ------------------------------------------------------------------------------------


def test_my_sessions_list_the_booking_for_its_mentee_and_for_its_mentor(api, mentee, mentor, scheduled):
    for user in (mentee, mentor):
        response = api(user).get(f"{V1}/sessions", {"status": "scheduled", "page": 1})
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["total"], body["page"]) == (1, 1)
        [item] = body["items"]
        assert (item["id"], item["status"], item["duration_minutes"]) == (scheduled.pk, "scheduled", 60)
        assert item["mentor"]["full_name"] == "Marcus Mentor" and "avatar_url" in item["mentor"]
        assert parse(item["scheduled_at"]) == scheduled.slot.start
        assert item["join_url"].startswith("http") and str(scheduled.pk) in item["join_url"]


def test_the_status_filter_keeps_only_that_status(api, mentee, profile, scheduled, tomorrow_10):
    gone = BookingFactory(mentee=mentee, status=S.CANCELLED, slot=SlotFactory(
        mentor=profile, start=tomorrow_10 + timedelta(days=2), end=tomorrow_10 + timedelta(days=2, hours=1)))
    client = api(mentee)
    assert [i["id"] for i in client.get(f"{V1}/sessions", {"status": "scheduled"}).json()["items"]] == [scheduled.pk]
    assert [i["id"] for i in client.get(f"{V1}/sessions", {"status": "cancelled"}).json()["items"]] == [gone.pk]
    assert {i["id"] for i in client.get(f"{V1}/sessions").json()["items"]} == {scheduled.pk, gone.pk}


def test_an_unknown_status_filter_is_a_400(api, mentee, profile):
    assert_error(api(mentee).get(f"{V1}/sessions", {"status": "booked-ish"}), 400, field="status")


def test_other_peoples_sessions_never_appear(api, mentee, other_user, scheduled, tomorrow_10):
    stranger_slot = SlotFactory(mentor=MentorProfileFactory(), start=tomorrow_10, end=tomorrow_10 + timedelta(hours=1))
    theirs = services.booking_hold(mentee=other_user, slot_id=stranger_slot.pk)
    mine = api(mentee).get(f"{V1}/sessions").json()["items"]
    assert [item["id"] for item in mine] == [scheduled.pk]
    assert [item["id"] for item in api(other_user).get(f"{V1}/sessions").json()["items"]] == [theirs.pk]
    assert api(UserFactory()).get(f"{V1}/sessions").json() == {"items": [], "total": 0, "page": 1, "pages": 1}


def test_a_participant_reads_a_session_with_its_history(api, mentee, scheduled):
    response = api(mentee).get(f"{V1}/sessions/{scheduled.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == scheduled.pk
    assert [e["to_status"] for e in response.json()["history"]] == ["scheduled"]


def _sessions_of(mentee, count: int) -> None:
    mentors = [MentorProfileFactory() for _ in range(3)]
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    for index in range(count):
        mentor = mentors[index % 3]
        service = ServiceFactory(mentor=mentor) if index % 2 else None
        begins = start + timedelta(hours=2 * index)
        BookingFactory(mentee=mentee, service=service,
                       slot=SlotFactory(mentor=mentor, service=service, start=begins, end=begins + timedelta(hours=1),
                                        seats_taken=1))


@pytest.mark.parametrize("count", [3, 30])
def test_my_sessions_list_runs_the_same_few_queries_for_3_or_30_sessions(
    api, mentee, django_assert_max_num_queries, count
):
    _sessions_of(mentee, count)
    client = api(mentee)
    with django_assert_max_num_queries(SESSIONS_LIST_MAX_QUERIES):
        response = client.get(f"{V1}/sessions", {"page_size": 100})
    assert response.status_code == 200 and len(response.json()["items"]) == count


# --- spec 001: a student books one of a mentor's slots ----------------------------------------------------------


def test_a_student_books_a_mentors_slot_by_its_id(api, mentee, profile, one_seat_slot):
    response = api(mentee).post(f"{V1}/mentors/{profile.pk}/book", {"session_id": one_seat_slot.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slot_id"], body["status"], body["mentee"]["id"]) == (one_seat_slot.pk, "scheduled", mentee.pk)
    assert seats(one_seat_slot) == 1


def test_a_group_slot_takes_students_up_to_its_quota(api, profile, group_slot):
    for _ in range(group_slot.capacity):
        response = api(UserFactory()).post(f"{V1}/mentors/{profile.pk}/book", {"session_id": group_slot.pk})
        assert response.status_code == 201, response.content
    assert_error(api(UserFactory()).post(f"{V1}/mentors/{profile.pk}/book", {"session_id": group_slot.pk}), 409)
    assert seats(group_slot) == group_slot.capacity


def test_a_slot_of_another_mentor_is_a_404(api, mentee, profile, tomorrow_10):
    foreign = SlotFactory(start=tomorrow_10, end=tomorrow_10 + timedelta(hours=1))
    assert_error(api(mentee).post(f"{V1}/mentors/{profile.pk}/book", {"session_id": foreign.pk}), 404)
    assert seats(foreign) == 0 and not Booking.objects.exists()


# --- the mentor's own lists -----------------------------------------------------------------------------------------


def test_the_mentors_requests_show_the_time_left_most_urgent_first(
    api, mentor, mentee, other_user, confirming, one_seat_slot, group_slot
):
    patient = services.booking_hold(mentee=mentee, slot_id=group_slot.pk)  # 30 minutes to answer
    confirming.hold_minutes = 10
    confirming.save()
    urgent = services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk)  # 10 minutes to answer
    answered = services.booking_hold(mentee=UserFactory(), slot_id=group_slot.pk)
    services.booking_confirm(booking_id=answered.pk, actor=mentor)
    stranger = MentorProfileFactory(requires_confirmation=True)
    stranger_slot = SlotFactory(mentor=stranger, start=group_slot.start, end=group_slot.end)
    services.booking_hold(mentee=UserFactory(), slot_id=stranger_slot.pk)
    # Overdue but not yet swept: too late to answer, so not shown.
    services.booking_hold(mentee=UserFactory(), slot_id=group_slot.pk, now=timezone.now() - timedelta(hours=1))

    response = api(mentor).get(f"{V1}/mentors/me/requests")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [item["id"] for item in items] == [urgent.pk, patient.pk]
    assert 0 < items[0]["seconds_left"] <= 10 * 60 < items[1]["seconds_left"] <= 30 * 60
    assert all(item["hold_expires_at"] for item in items)


def test_the_mentors_upcoming_bookings_are_the_live_future_ones(
    api, mentor, mentee, other_user, profile, confirming, one_seat_slot, group_slot, tomorrow_10
):
    first = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)  # requested
    later = services.booking_hold(mentee=other_user, slot_id=group_slot.pk)
    services.booking_confirm(booking_id=later.pk, actor=mentor)  # scheduled
    gone = services.booking_hold(mentee=UserFactory(), slot_id=group_slot.pk)
    services.booking_cancel(booking_id=gone.pk, actor=mentor)
    yesterday = tomorrow_10 - timedelta(days=2)
    BookingFactory(slot=SlotFactory(mentor=profile, start=yesterday, end=yesterday + timedelta(hours=1), seats_taken=1))
    stranger_slot = SlotFactory(mentor=MentorProfileFactory(), start=tomorrow_10, end=tomorrow_10 + timedelta(hours=1))
    services.booking_hold(mentee=UserFactory(), slot_id=stranger_slot.pk)

    response = api(mentor).get(f"{V1}/mentors/me/bookings")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(item["id"], item["status"]) for item in items] == [(first.pk, "requested"), (later.pk, "scheduled")]
    assert items[0]["mentee"]["id"] == mentee.pk and items[0]["join_url"]


def test_the_mentor_lists_are_a_404_for_users_without_a_mentor_profile(api, mentee, scheduled):
    for path in ("mentors/me/requests", "mentors/me/bookings"):
        body = assert_error(api(mentee).get(f"{V1}/{path}"), 404)
        assert "mentor profile" in body["detail"]


def test_the_mentor_lists_answer_a_mentor_with_nothing_yet_with_an_empty_page(api):
    newcomer = MentorProfileFactory(status="pending").user
    for path in ("mentors/me/requests", "mentors/me/bookings"):
        response = api(newcomer).get(f"{V1}/{path}")
        assert response.status_code == 200 and response.json()["items"] == []
