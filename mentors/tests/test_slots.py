"""Slots a mentor publishes (mentors/me/slots), the public list of a mentor's slots, and the rules behind them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorhub.errors import Conflict, InvalidInput, NotFound
from mentorhub.testing import requires_postgresql
from mentors import services
from mentors.models import MentorProfile, Slot
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory

pytestmark = pytest.mark.django_db

SLOTS = "/api/v1/mentors/me/slots"
HOUR = timedelta(hours=1)


def slot_url(slot_id: int) -> str:
    return f"{SLOTS}/{slot_id}"


def public_url(mentor_id: int) -> str:
    return f"/api/v1/mentors/{mentor_id}/slots"


def fields_of(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def later(days: int = 3, hour: int = 10) -> datetime:
    """A whole hour some days ahead, in UTC."""
    return (timezone.now() + timedelta(days=days)).astimezone(UTC).replace(hour=hour, minute=0, second=0,
                                                                           microsecond=0)


def take_seats(slot: Slot, seats: int) -> None:
    """What bookings would do: the row's seat count, set directly."""
    Slot.objects.filter(pk=slot.pk).update(seats_taken=seats)


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor)


@pytest.fixture
def other_profile(other_user):
    return MentorProfileFactory(user=other_user)


# --- publishing ------------------------------------------------------------------------------------------


def test_a_slot_is_published_with_start_and_a_duration(api, mentor, profile):
    start = later()
    response = api(mentor).post(SLOTS, {"start": start.isoformat(), "duration_minutes": 45})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "mentor_id", "scheduled_at", "quota", "seats_taken", "seats_left"} <= set(body)
    assert body["mentor_id"] == profile.pk
    assert moment(body["scheduled_at"]) == start
    assert (body["quota"], body["seats_taken"], body["seats_left"]) == (1, 0, 1)
    slot = Slot.objects.get(pk=body["id"])
    assert (slot.mentor, slot.start, slot.end, slot.capacity) == (profile, start, start + timedelta(minutes=45), 1)


def test_a_slot_is_published_with_the_specs_scheduledAt_and_quota(api, mentor, profile):
    start = later()
    response = api(mentor).post(SLOTS, {"scheduledAt": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "quota": 5,
                                        "duration_minutes": 60})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert moment(body["scheduled_at"]) == start
    assert (body["quota"], body["seats_taken"], body["seats_left"]) == (5, 0, 5)
    assert Slot.objects.get(pk=body["id"]).capacity == 5


def test_a_slot_is_published_with_scheduled_at_and_a_service(api, mentor, profile):
    service = ServiceFactory(mentor=profile, duration_minutes=90, capacity=3)
    start = later()
    response = api(mentor).post(SLOTS, {"scheduled_at": start.isoformat(), "service_id": service.pk})
    assert response.status_code == 201, response.json()
    slot = Slot.objects.get(pk=response.json()["id"])
    assert (slot.service, slot.end - slot.start, slot.capacity) == (service, timedelta(minutes=90), 3)
    assert response.json()["quota"] == 3


def test_quota_overrides_the_services_capacity(api, mentor, profile):
    service = ServiceFactory(mentor=profile, capacity=3)
    response = api(mentor).post(SLOTS, {"start": later().isoformat(), "service_id": service.pk, "quota": 10})
    assert response.status_code == 201
    assert response.json()["quota"] == 10


def test_a_slot_without_a_start_is_a_400(api, mentor, profile):
    response = api(mentor).post(SLOTS, {"duration_minutes": 60})
    assert response.status_code == 400
    assert fields_of(response) == ["start"]


def test_a_slot_without_a_service_or_duration_lasts_the_mentors_default_session_length(api, mentor, profile):
    assert profile.default_session_minutes == 60
    first = api(mentor).post(SLOTS, {"start": later().isoformat()})
    assert first.status_code == 201
    assert api(mentor).patch("/api/v1/mentors/me", {"default_session_minutes": 45}).json()[
        "default_session_minutes"] == 45
    second = api(mentor).post(SLOTS, {"start": later(days=4).isoformat()})
    lengths = {slot.pk: (slot.end - slot.start) for slot in Slot.objects.all()}
    assert lengths == {first.json()["id"]: timedelta(minutes=60), second.json()["id"]: timedelta(minutes=45)}


def test_a_default_session_length_outside_15_to_480_minutes_is_a_400(api, mentor, profile):
    response = api(mentor).patch("/api/v1/mentors/me", {"default_session_minutes": 10})
    assert response.status_code == 400
    assert fields_of(response) == ["default_session_minutes"]


def test_a_slot_in_the_past_is_a_400(api, mentor, profile):
    start = timezone.now() - HOUR
    response = api(mentor).post(SLOTS, {"start": start.isoformat(), "duration_minutes": 60})
    assert response.status_code == 400
    assert fields_of(response) == ["start"]
    assert not Slot.objects.exists()


def test_a_slot_with_another_mentors_service_is_a_404(api, mentor, profile, other_profile):
    theirs = ServiceFactory(mentor=other_profile)
    response = api(mentor).post(SLOTS, {"start": later().isoformat(), "service_id": theirs.pk})
    assert response.status_code == 404
    assert not Slot.objects.exists()


@pytest.mark.parametrize(
    "offset_minutes,duration",
    [(0, 60), (30, 60), (-30, 60), (-30, 120), (15, 15)],
    ids=["same", "starts-inside", "ends-inside", "covers", "inside"],
)
def test_a_slot_overlapping_another_live_slot_of_the_same_mentor_is_a_409(
    api, mentor, profile, offset_minutes, duration
):
    existing = SlotFactory(mentor=profile, start=later(), end=later() + HOUR)
    start = existing.start + timedelta(minutes=offset_minutes)
    response = api(mentor).post(SLOTS, {"start": start.isoformat(), "duration_minutes": duration})
    assert response.status_code == 409
    assert response.json()["status_code"] == 409
    assert Slot.objects.count() == 1


def test_back_to_back_slots_are_fine(api, mentor, profile):
    existing = SlotFactory(mentor=profile, start=later(), end=later() + HOUR)
    client = api(mentor)
    after = client.post(SLOTS, {"start": existing.end.isoformat(), "duration_minutes": 60})
    before = client.post(SLOTS, {"start": (existing.start - HOUR).isoformat(), "duration_minutes": 60})
    assert (after.status_code, before.status_code) == (201, 201)
    assert Slot.objects.filter(mentor=profile).count() == 3


def test_another_mentor_may_have_a_slot_at_the_same_time(api, mentor, profile, other_profile):
    SlotFactory(mentor=other_profile, start=later(), end=later() + HOUR)
    response = api(mentor).post(SLOTS, {"start": later().isoformat(), "duration_minutes": 60})
    assert response.status_code == 201


def test_a_withdrawn_slot_does_not_block_a_new_one(api, mentor, profile):
    SlotFactory(mentor=profile, start=later(), end=later() + HOUR, is_active=False)
    response = api(mentor).post(SLOTS, {"start": later().isoformat(), "duration_minutes": 60})
    assert response.status_code == 201


# --- reading, changing, withdrawing ---------------------------------------------------------------------------


def test_a_mentor_lists_their_live_future_slots_soonest_first(api, mentor, profile, other_profile):
    second = SlotFactory(mentor=profile, start=later(days=4), end=later(days=4) + HOUR)
    first = SlotFactory(mentor=profile, start=later(days=2), end=later(days=2) + HOUR)
    SlotFactory(mentor=profile, start=later(days=5), end=later(days=5) + HOUR, is_active=False)
    SlotFactory(mentor=profile, start=later(days=-2), end=later(days=-2) + HOUR)
    SlotFactory(mentor=other_profile, start=later(days=3), end=later(days=3) + HOUR)

    response = api(mentor).get(SLOTS)

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [first.pk, second.pk]


def test_a_mentor_reads_one_of_their_slots(api, mentor, profile):
    slot = SlotFactory(mentor=profile, capacity=4)
    take_seats(slot, 1)
    body = api(mentor).get(slot_url(slot.pk)).json()
    assert (body["id"], body["mentor_id"], body["quota"], body["seats_taken"], body["seats_left"]) == (
        slot.pk, profile.pk, 4, 1, 3,
    )


def test_a_free_slot_can_be_moved_and_its_quota_changed(api, mentor, profile):
    slot = SlotFactory(mentor=profile, start=later(), end=later() + timedelta(minutes=45))
    new_start = later(days=6, hour=15)

    response = api(mentor).patch(slot_url(slot.pk), {"scheduledAt": new_start.isoformat(), "quota": 3})

    assert response.status_code == 200, response.json()
    slot.refresh_from_db()
    assert (slot.start, slot.end, slot.capacity) == (new_start, new_start + timedelta(minutes=45), 3)
    assert moment(response.json()["scheduled_at"]) == new_start


def test_put_changes_the_quota_like_the_specs_update(api, mentor, profile):
    slot = SlotFactory(mentor=profile)
    response = api(mentor).put(slot_url(slot.pk), {"quota": 5})
    assert response.status_code == 200
    assert response.json()["quota"] == 5


def test_moving_a_slot_onto_another_live_slot_is_a_409(api, mentor, profile):
    SlotFactory(mentor=profile, start=later(days=2), end=later(days=2) + HOUR)
    slot = SlotFactory(mentor=profile, start=later(days=3), end=later(days=3) + HOUR)
    response = api(mentor).patch(slot_url(slot.pk), {"start": (later(days=2) + timedelta(minutes=30)).isoformat()})
    assert response.status_code == 409
    slot.refresh_from_db()
    assert slot.start == later(days=3)


def test_moving_a_slot_into_the_past_is_a_400(api, mentor, profile):
    slot = SlotFactory(mentor=profile)
    response = api(mentor).patch(slot_url(slot.pk), {"start": (timezone.now() - HOUR).isoformat()})
    assert response.status_code == 400
    assert fields_of(response) == ["start"]


def test_a_quota_below_the_seats_already_taken_is_a_409(api, mentor, profile):
    slot = SlotFactory(mentor=profile, capacity=5)
    take_seats(slot, 3)
    client = api(mentor)

    refused = client.patch(slot_url(slot.pk), {"quota": 2})
    assert refused.status_code == 409
    slot.refresh_from_db()
    assert slot.capacity == 5

    allowed = client.patch(slot_url(slot.pk), {"quota": 3})
    assert allowed.status_code == 200
    assert (allowed.json()["quota"], allowed.json()["seats_left"]) == (3, 0)


def test_moving_a_slot_with_taken_seats_is_a_409(api, mentor, profile):
    slot = SlotFactory(mentor=profile, start=later(), end=later() + HOUR, capacity=3)
    take_seats(slot, 1)
    response = api(mentor).patch(slot_url(slot.pk), {"start": later(days=8).isoformat()})
    assert response.status_code == 409
    slot.refresh_from_db()
    assert (slot.start, slot.end) == (later(), later() + HOUR)


def test_deleting_a_slot_with_taken_seats_is_a_409(api, mentor, profile):
    slot = SlotFactory(mentor=profile, capacity=3)
    take_seats(slot, 1)
    client = api(mentor)
    assert client.delete(slot_url(slot.pk)).status_code == 409
    assert [item["id"] for item in client.get(SLOTS).json()["items"]] == [slot.pk]


def test_deleting_a_free_slot_removes_it(api, mentor, profile):
    slot = SlotFactory(mentor=profile)
    client = api(mentor)
    assert client.delete(slot_url(slot.pk)).status_code == 204
    assert client.get(SLOTS).json()["items"] == []
    assert client.get(slot_url(slot.pk)).status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_another_mentors_slot_is_a_404(api, mentor, profile, other_profile, method):
    theirs = SlotFactory(mentor=other_profile, capacity=2)
    body = {"quota": 7} if method in ("patch", "put") else None
    response = getattr(api(mentor), method)(slot_url(theirs.pk), body)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.capacity, theirs.is_active) == (2, True)


# --- the public list of a mentor's slots -------------------------------------------------------------------------


def test_anyone_lists_a_mentors_open_future_slots_within_from_and_to(api, profile, other_profile):
    inside_early = SlotFactory(mentor=profile, start=later(days=2), end=later(days=2) + HOUR, capacity=5)
    inside_late = SlotFactory(mentor=profile, start=later(days=4), end=later(days=4) + HOUR)
    SlotFactory(mentor=profile, start=later(days=10), end=later(days=10) + HOUR)  # after `to`
    SlotFactory(mentor=profile, start=later(days=3), end=later(days=3) + HOUR, is_active=False)
    SlotFactory(mentor=other_profile, start=later(days=3), end=later(days=3) + HOUR)
    params = {"from": later(days=1).date().isoformat(), "to": later(days=5).date().isoformat()}

    response = api().get(public_url(profile.pk), params)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [inside_early.pk, inside_late.pk]
    assert {"id", "mentor_id", "scheduled_at", "quota"} <= set(items[0])
    assert (items[0]["mentor_id"], items[0]["quota"], items[0]["seats_left"]) == (profile.pk, 5, 5)


def test_past_slots_are_not_listed_publicly(api, profile):
    SlotFactory(mentor=profile, start=later(days=-1), end=later(days=-1) + HOUR)
    future = SlotFactory(mentor=profile, start=later(days=1), end=later(days=1) + HOUR)
    params = {"from": later(days=-3).date().isoformat(), "to": later(days=3).date().isoformat()}
    response = api().get(public_url(profile.pk), params)
    assert [item["id"] for item in response.json()["items"]] == [future.pk]
    assert [item["id"] for item in api().get(public_url(profile.pk)).json()["items"]] == [future.pk]


def test_an_unlisted_mentors_slots_are_a_404_to_anonymous_users(api):
    pending = MentorProfileFactory(status="pending")
    SlotFactory(mentor=pending)
    assert api().get(public_url(pending.pk)).status_code == 404


def test_a_public_slot_window_over_62_days_is_a_400(api, profile):
    params = {"from": later(days=1).date().isoformat(), "to": later(days=80).date().isoformat()}
    response = api().get(public_url(profile.pk), params)
    assert response.status_code == 400
    assert fields_of(response) == ["to"]


# --- the services' rules -------------------------------------------------------------------------------------


NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)


def test_the_service_refuses_a_retired_service(mentor, profile):
    retired = ServiceFactory(mentor=profile, is_active=False)
    with pytest.raises(InvalidInput) as error:
        services.slot_create(user=mentor, start=NOW + HOUR, service_id=retired.pk, now=NOW)
    assert error.value.field == "service_id"


def test_the_service_refuses_a_start_at_now(mentor, profile):
    with pytest.raises(InvalidInput) as error:
        services.slot_create(user=mentor, start=NOW, duration_minutes=60, now=NOW)
    assert error.value.field == "start"


def test_the_service_refuses_an_overlap_but_not_a_touching_slot(mentor, profile):
    services.slot_create(user=mentor, start=NOW + HOUR, duration_minutes=60, now=NOW)
    with pytest.raises(Conflict):
        services.slot_create(user=mentor, start=NOW + HOUR + timedelta(minutes=59), duration_minutes=30, now=NOW)
    touching = services.slot_create(user=mentor, start=NOW + 2 * HOUR, duration_minutes=30, now=NOW)
    assert touching.start == NOW + 2 * HOUR


def test_a_slot_takes_the_services_length_and_seats_unless_told_otherwise(mentor, profile):
    service = ServiceFactory(mentor=profile, duration_minutes=30, capacity=4)
    slot = services.slot_create(user=mentor, start=NOW + HOUR, service_id=service.pk, now=NOW)
    assert (slot.duration_minutes, slot.capacity, slot.service) == (30, 4, service)
    own = services.slot_create(user=mentor, start=NOW + 3 * HOUR, service_id=service.pk, duration_minutes=90,
                               capacity=2, now=NOW)
    assert (own.duration_minutes, own.capacity) == (90, 2)


def test_a_slot_that_has_ended_can_no_longer_change(mentor, profile):
    slot = SlotFactory(mentor=profile, start=NOW - 2 * HOUR, end=NOW - HOUR)
    with pytest.raises(InvalidInput):
        services.slot_update(user=mentor, slot_id=slot.pk, capacity=3, now=NOW)


def test_a_user_without_a_profile_cannot_publish_slots(mentee):
    with pytest.raises(NotFound):
        services.slot_create(user=mentee, start=NOW + HOUR, duration_minutes=60, now=NOW)


# --- what the database itself guarantees ---------------------------------------------------------------------


@requires_postgresql
def test_the_database_refuses_an_overlapping_live_slot_created_directly(profile):
    Slot.objects.create(mentor=profile, start=later(), end=later() + HOUR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(mentor=profile, start=later() + timedelta(minutes=30), end=later() + 2 * HOUR)
    assert Slot.objects.count() == 1


@requires_postgresql
def test_the_database_allows_an_overlapping_withdrawn_slot_and_another_mentors_slot(profile, other_profile):
    Slot.objects.create(mentor=profile, start=later(), end=later() + HOUR)
    with transaction.atomic():
        Slot.objects.create(mentor=profile, start=later(), end=later() + HOUR, is_active=False)
        Slot.objects.create(mentor=other_profile, start=later(), end=later() + HOUR)
        Slot.objects.create(mentor=profile, start=later() + HOUR, end=later() + 2 * HOUR)  # touching
    assert Slot.objects.count() == 4


def test_the_database_refuses_more_seats_taken_than_the_capacity(profile):
    slot = SlotFactory(mentor=profile, capacity=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(seats_taken=slot.capacity + 1)
    Slot.objects.filter(pk=slot.pk).update(seats_taken=slot.capacity)  # exactly full is fine
    slot.refresh_from_db()
    assert slot.seats_left == 0


def test_the_database_refuses_a_slot_ending_before_it_starts(profile):
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(mentor=profile, start=later(), end=later() - HOUR)


def test_the_database_refuses_a_negative_mentor_price(profile):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorProfile.objects.filter(pk=profile.pk).update(price_per_hour=Decimal("-1.00"))
    profile.refresh_from_db()
    assert profile.price_per_hour == Decimal("3000.00")
