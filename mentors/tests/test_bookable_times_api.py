"""Start times a mentee can book (GET /api/v1/mentors/{id}/availability), as the API renders them."""

from datetime import UTC, datetime, time, timedelta

import pytest
import rest_framework.throttling
from django.contrib.auth.models import AnonymousUser
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from mentors import selectors
from mentors.models import MentorProfile, Slot
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db

# DRF's throttles keep `time.time` as a class attribute at import: they are imported above, before any
# freeze_time, or the frozen clock's stand-in would be captured (and break every later request).
THROTTLES_IMPORTED_EARLY = rest_framework.throttling.SimpleRateThrottle.timer

MONDAY, TUESDAY = 0, 1
# 2026-03-02 and 2026-03-09 are Mondays; New York moves its clocks forward on Sunday 2026-03-08.
BEFORE_MARCH = "2026-02-20 12:00:00"


def url(mentor_id: int) -> str:
    return f"/api/v1/mentors/{mentor_id}/availability"


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def fields_of(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def mentor_with_hours(
    tz: str = "UTC", weekday: int = MONDAY, start: time = time(9), end: time = time(17), **fields
) -> MentorProfile:
    profile = MentorProfileFactory(timezone=tz, **fields)
    WeeklyRuleFactory(mentor=profile, weekday=weekday, start_time=start, end_time=end)
    return profile


def times(api, profile: MentorProfile, client=None, **params) -> list[dict]:
    response = (client or api()).get(url(profile.pk), params)
    assert response.status_code == 200, response.json()
    return response.json()


def starts(api, profile: MentorProfile, **params) -> list[datetime]:
    return [moment(item["start"]) for item in times(api, profile, **params)]


# --- rendering and defaults ---------------------------------------------------------------------------------


@freeze_time(BEFORE_MARCH)
def test_times_are_rendered_with_the_offset_of_the_requested_zone(api):
    profile = mentor_with_hours(start=time(9), end=time(10))

    items = times(api, profile, **{"from": "2026-03-02", "to": "2026-03-02", "tz": "Asia/Tokyo"})

    assert [(item["start"], item["end"]) for item in items] == [
        ("2026-03-02T18:00:00+09:00", "2026-03-02T19:00:00+09:00"),
    ]
    assert (items[0]["slot_id"], items[0]["seats_left"]) == (None, 1)


@freeze_time(BEFORE_MARCH)
def test_anonymous_users_get_utc_by_default(api):
    profile = mentor_with_hours(start=time(0), end=time(2))
    items = times(api, profile, **{"from": "2026-03-02", "to": "2026-03-02"})
    assert [moment(item["start"]) for item in items] == [utc(2, 0), utc(2, 1)]
    assert all(moment(item["start"]).utcoffset() == timedelta(0) for item in items)
    assert items[0]["start"] in ("2026-03-02T00:00:00Z", "2026-03-02T00:00:00+00:00")


@freeze_time(BEFORE_MARCH)
def test_a_signed_in_user_gets_their_own_zone_by_default(api, other_user):
    other_user.timezone = "Asia/Tokyo"
    other_user.save()
    profile = mentor_with_hours(start=time(9), end=time(10))
    items = times(api, profile, client=api(other_user), **{"from": "2026-03-02", "to": "2026-03-02"})
    assert [item["start"] for item in items] == ["2026-03-02T18:00:00+09:00"]


@freeze_time(BEFORE_MARCH)
def test_from_and_to_are_whole_days_in_the_requested_zone(api):
    # 23:00-24:00 UTC on Monday is already Tuesday in Tokyo.
    profile = mentor_with_hours(start=time(22), end=time(23, 59))
    monday_in_tokyo = starts(api, profile, **{"from": "2026-03-02", "to": "2026-03-02", "tz": "Asia/Tokyo"})
    tuesday_in_tokyo = starts(api, profile, **{"from": "2026-03-03", "to": "2026-03-03", "tz": "Asia/Tokyo"})
    assert monday_in_tokyo == []
    assert tuesday_in_tokyo == [utc(2, 22)]


@freeze_time(BEFORE_MARCH)
def test_times_step_by_the_services_length_and_carry_its_id(api):
    profile = mentor_with_hours(start=time(9), end=time(10, 30))
    service = ServiceFactory(mentor=profile, duration_minutes=30, capacity=1)

    items = times(api, profile, **{"from": "2026-03-02", "to": "2026-03-02", "service_id": service.pk})

    assert [moment(item["start"]) for item in items] == [utc(2, 9), utc(2, 9, 30), utc(2, 10)]
    assert all(moment(i["end"]) - moment(i["start"]) == timedelta(minutes=30) for i in items)
    assert {item["service_id"] for item in items} == {service.pk}


@freeze_time(BEFORE_MARCH)
def test_without_a_service_times_are_an_hour_long(api):
    profile = mentor_with_hours(start=time(9), end=time(10, 30))
    items = times(api, profile, **{"from": "2026-03-02", "to": "2026-03-02"})
    assert [(moment(i["start"]), moment(i["end"])) for i in items] == [(utc(2, 9), utc(2, 10))]


# --- zones and daylight saving, through the API -----------------------------------------------------------


@freeze_time(BEFORE_MARCH)
def test_a_new_york_monday_nine_to_five_follows_the_wall_clock_across_the_dst_change(api):
    profile = mentor_with_hours("America/New_York", MONDAY, time(9), time(17))

    found = starts(api, profile, **{"from": "2026-03-02", "to": "2026-03-09", "tz": "UTC"})

    first_monday = [s for s in found if s.date() == utc(2, 0).date()]
    second_monday = [s for s in found if s.date() == utc(9, 0).date()]
    assert first_monday[0] == utc(2, 14) and first_monday[-1] == utc(2, 21)
    assert second_monday[0] == utc(9, 13) and second_monday[-1] == utc(9, 20)
    assert len(first_monday) == len(second_monday) == 8
    assert len(found) == 16


@freeze_time(BEFORE_MARCH)
def test_moscow_ten_oclock_is_seven_utc(api):
    profile = mentor_with_hours("Europe/Moscow", TUESDAY, time(10), time(11))
    items = times(api, profile, **{"from": "2026-03-03", "to": "2026-03-03", "tz": "UTC"})
    assert [moment(item["start"]) for item in items] == [utc(3, 7)]
    moscow = times(api, profile, **{"from": "2026-03-03", "to": "2026-03-03", "tz": "Europe/Moscow"})
    assert [item["start"] for item in moscow] == ["2026-03-03T10:00:00+03:00"]


# --- what removes times ---------------------------------------------------------------------------------------


@freeze_time(BEFORE_MARCH)
def test_a_busy_slot_removes_the_times_it_overlaps(api):
    profile = mentor_with_hours(start=time(9), end=time(13))
    SlotFactory(mentor=profile, start=utc(2, 10), end=utc(2, 11), seats_taken=1)
    found = starts(api, profile, **{"from": "2026-03-02", "to": "2026-03-02"})
    assert found == [utc(2, 9), utc(2, 11), utc(2, 12)]


@freeze_time(BEFORE_MARCH)
def test_a_withdrawn_slot_does_not_block_times(api):
    profile = mentor_with_hours(start=time(9), end=time(11))
    SlotFactory(mentor=profile, start=utc(2, 9), end=utc(2, 10), is_active=False)
    assert starts(api, profile, **{"from": "2026-03-02", "to": "2026-03-02"}) == [utc(2, 9), utc(2, 10)]


@freeze_time(BEFORE_MARCH)
def test_the_buffer_keeps_time_clear_around_busy_slots(api):
    profile = mentor_with_hours(start=time(9), end=time(13), buffer_minutes=30)
    SlotFactory(mentor=profile, start=utc(2, 10), end=utc(2, 11), seats_taken=1)
    assert starts(api, profile, **{"from": "2026-03-02", "to": "2026-03-02"}) == [utc(2, 12)]


@freeze_time("2026-03-02 08:30:00")
def test_min_notice_hides_times_too_soon(api):
    eager = mentor_with_hours(start=time(9), end=time(13), min_notice_minutes=0)
    careful = mentor_with_hours(start=time(9), end=time(13), min_notice_minutes=120)
    day = {"from": "2026-03-02", "to": "2026-03-02"}
    assert starts(api, eager, **day) == [utc(2, 9), utc(2, 10), utc(2, 11), utc(2, 12)]
    assert starts(api, careful, **day) == [utc(2, 11), utc(2, 12)]


@freeze_time("2026-03-02 08:30:00")
def test_min_notice_hides_group_seats_that_start_too_soon(api):
    profile = MentorProfileFactory(min_notice_minutes=120)
    SlotFactory(mentor=profile, start=utc(2, 10), end=utc(2, 11), capacity=5)
    later = SlotFactory(mentor=profile, start=utc(2, 11), end=utc(2, 12), capacity=5)
    items = times(api, profile, **{"from": "2026-03-02", "to": "2026-03-02"})
    assert [item["slot_id"] for item in items] == [later.pk]


@freeze_time(BEFORE_MARCH)
def test_times_before_now_are_never_offered(api):
    profile = mentor_with_hours(weekday=utc(20, 0, month=2).weekday(), start=time(9), end=time(17))
    found = starts(api, profile, **{"from": "2026-02-20", "to": "2026-02-20"})
    assert found == [utc(20, hour, month=2) for hour in range(12, 17)]


# --- group slots --------------------------------------------------------------------------------------------


@freeze_time(BEFORE_MARCH)
def test_group_slots_with_open_seats_appear_with_their_slot_id_and_seats_left(api):
    profile = mentor_with_hours(start=time(9), end=time(17))
    group = SlotFactory(mentor=profile, start=utc(2, 12), end=utc(2, 13), capacity=5)
    Slot.objects.filter(pk=group.pk).update(seats_taken=2)
    full = SlotFactory(mentor=profile, start=utc(2, 14), end=utc(2, 15), capacity=3)
    Slot.objects.filter(pk=full.pk).update(seats_taken=3)
    one_seat = SlotFactory(mentor=profile, start=utc(2, 15), end=utc(2, 16), capacity=1)  # published, still open
    weekend = SlotFactory(mentor=profile, start=utc(7, 10), end=utc(7, 11), capacity=4)  # outside weekly hours

    items = times(api, profile, **{"from": "2026-03-02", "to": "2026-03-08"})

    by_slot = {item["slot_id"]: item for item in items if item["slot_id"] is not None}
    assert set(by_slot) == {group.pk, one_seat.pk, weekend.pk}
    assert (moment(by_slot[group.pk]["start"]), moment(by_slot[group.pk]["end"])) == (utc(2, 12), utc(2, 13))
    assert (by_slot[group.pk]["seats_left"], by_slot[weekend.pk]["seats_left"]) == (3, 4)
    new_times = [moment(item["start"]) for item in items if item["slot_id"] is None]
    assert new_times == [utc(2, h) for h in (9, 10, 11, 13, 16)]
    assert [moment(item["start"]) for item in items] == sorted(moment(item["start"]) for item in items)


# --- bad requests -------------------------------------------------------------------------------------------


@freeze_time(BEFORE_MARCH)
def test_a_window_of_62_days_is_allowed_but_more_is_a_400_naming_to(api):
    profile = mentor_with_hours()
    allowed = api().get(url(profile.pk), {"from": "2026-03-01", "to": "2026-05-01"})
    refused = api().get(url(profile.pk), {"from": "2026-03-01", "to": "2026-05-02"})
    assert allowed.status_code == 200
    assert refused.status_code == 400
    assert fields_of(refused) == ["to"]


@freeze_time(BEFORE_MARCH)
def test_to_before_from_is_a_400_naming_to(api):
    profile = mentor_with_hours()
    response = api().get(url(profile.pk), {"from": "2026-03-10", "to": "2026-03-02"})
    assert response.status_code == 400
    assert fields_of(response) == ["to"]


@pytest.mark.parametrize("params,field", [({"from": "yesterday"}, "from"), ({"to": "2026-13-45"}, "to"),
                                          ({"tz": "Mars/Olympus"}, "tz")])
def test_malformed_window_parameters_are_a_400_naming_them(api, params, field):
    profile = mentor_with_hours()
    response = api().get(url(profile.pk), params)
    assert response.status_code == 400
    assert fields_of(response) == [field]


def test_an_unknown_service_is_a_404(api):
    profile = mentor_with_hours()
    theirs = ServiceFactory()
    retired = ServiceFactory(mentor=profile, is_active=False)
    for service_id in (999_999, theirs.pk, retired.pk):
        response = api().get(url(profile.pk), {"service_id": service_id})
        assert response.status_code == 404
        assert response.json()["status_code"] == 404


def test_an_unlisted_or_unknown_mentor_is_a_404(api):
    pending = mentor_with_hours(status="pending")
    assert api().get(url(pending.pk)).status_code == 404
    assert api().get(url(999_999)).status_code == 404


@freeze_time(BEFORE_MARCH)
def test_an_open_one_seat_slot_the_mentor_published_is_offered_with_its_id(api):
    profile = mentor_with_hours(start=time(9), end=time(11))
    slot = SlotFactory(mentor=profile, start=utc(2, 10), end=utc(2, 11))
    times = api().get(f"/api/v1/mentors/{profile.pk}/availability", {"from": "2026-03-02", "to": "2026-03-02"}).json()
    assert [(t["start"], t["slot_id"]) for t in times] == [("2026-03-02T09:00:00Z", None),
                                                          ("2026-03-02T10:00:00Z", slot.pk)]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Moscow", "America/New_York"])
def test_bookable_times_are_written_exactly_as_the_declared_fields_would_write_them(zone):
    from django.utils import timezone
    from rest_framework import serializers

    from mentors.api.serializers import BookableTimeOutput
    from mentors.selectors import BookableTime

    times = [BookableTime(utc(9, 14), utc(9, 15), None, 1, None), BookableTime(utc(9, 16, 30), utc(9, 17), 42, 3, 7)]
    with timezone.override(zone):
        direct = BookableTimeOutput(times, many=True).data
        declared = [serializers.Serializer.to_representation(BookableTimeOutput(), time) for time in times]
    assert [dict(row) for row in direct] == [dict(row) for row in declared]
    assert list(direct[0]) == list(declared[0])  # same keys, same order


def test_live_slots_are_read_as_the_exact_instants_the_database_holds():
    # On PostgreSQL the selector reads start and end as integer microseconds (README, Performance): the
    # instants it builds must be the stored ones, to the microsecond, with the UTC zone Django's reads carry.
    from mentors.selectors import _live_slots

    profile = MentorProfileFactory()
    odd = datetime(2026, 3, 2, 9, 59, 59, 999_999, tzinfo=UTC)
    stored = [
        SlotFactory(mentor=profile, start=odd, end=odd + timedelta(minutes=45, microseconds=1), capacity=3),
        SlotFactory(mentor=profile, start=datetime(2099, 12, 31, 23, 0, tzinfo=UTC),
                    end=datetime(2100, 1, 1, 0, 30, 0, 123_456, tzinfo=UTC), capacity=1),
    ]
    rows = _live_slots(Slot.objects.filter(mentor=profile), window_start=utc(1, 0),
                       window_end=datetime(2100, 2, 1, tzinfo=UTC), margin=timedelta(hours=1))

    expected = [(s.pk, s.mentor_id, s.start, s.end, s.capacity, s.seats_taken, s.service_id)
                for s in Slot.objects.filter(pk__in=[s.pk for s in stored]).order_by("start")]
    assert sorted(tuple(row) for row in rows) == expected
    assert {row.start.utcoffset() for row in rows} == {timedelta(0)}


@pytest.mark.parametrize("status", [s for s, _ in MentorProfile.Status.choices])
@pytest.mark.parametrize("accepts_bookings", [True, False])
def test_who_may_see_a_calendar_is_what_the_visibility_query_says(status, accepts_bookings, staff):
    mentor = MentorProfileFactory(status=status, accepts_bookings=accepts_bookings)
    for viewer in (None, AnonymousUser(), mentor.user, staff, UserFactory()):
        expected = selectors._visible_to(viewer).filter(pk=mentor.pk).exists()
        assert selectors.may_see(mentor, viewer) is expected, (status, accepts_bookings, viewer)
        calendar = selectors.mentor_calendar_for_viewer(mentor_id=mentor.pk, viewer=viewer)
        assert (calendar is not None) is expected
