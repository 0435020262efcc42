"""A mentor's own profile, services, weekly hours and date overrides (/api/v1/mentors/me...)."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mentors.models import MentorProfile, Service, WeeklyRule
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/mentors/me"
SERVICES = f"{ME}/services"
AVAILABILITY = f"{ME}/availability"
OVERRIDES = f"{ME}/overrides"
SLOTS = f"{ME}/slots"


def service_url(service_id: int) -> str:
    return f"{SERVICES}/{service_id}"


def fields_of(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def weekly_rows(profile: MentorProfile) -> list[tuple[int, str, str]]:
    return [(r.weekday, f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}")
            for r in WeeklyRule.objects.filter(mentor=profile).order_by("weekday", "start_time")]


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, title="Senior Python Developer", price_per_hour=Decimal("3000.00"),
                                skills=["Python"])


# --- no profile, no self-service ---------------------------------------------------------------------

SLOT_START = (timezone.now() + timedelta(days=5)).replace(microsecond=0).isoformat()


@pytest.mark.parametrize(
    "method,url,body",
    [
        ("get", ME, None),
        ("patch", ME, {"title": "New title"}),
        ("put", ME, {"title": "New title", "price_per_hour": 100, "timezone": "UTC"}),
        ("get", SERVICES, None),
        ("post", SERVICES, {"name": "Review", "duration_minutes": 60}),
        ("get", SERVICES + "/{service}", None),
        ("patch", SERVICES + "/{service}", {"name": "Renamed"}),
        ("delete", SERVICES + "/{service}", None),
        ("get", AVAILABILITY, None),
        ("put", AVAILABILITY, {"monday": ["10:00-18:00"]}),
        ("get", OVERRIDES, None),
        ("put", OVERRIDES, {"overrides": []}),
        ("get", SLOTS, None),
        ("post", SLOTS, {"start": SLOT_START, "duration_minutes": 60}),
        ("get", SLOTS + "/{slot}", None),
        ("patch", SLOTS + "/{slot}", {"quota": 2}),
        ("delete", SLOTS + "/{slot}", None),
    ],
)
def test_a_user_without_a_mentor_profile_gets_404_on_every_self_service_endpoint(api, mentee, method, url, body):
    other = MentorProfileFactory()  # someone else's service and slot: their ids must not leak either
    ids = {"service": ServiceFactory(mentor=other).pk, "slot": SlotFactory(mentor=other).pk}
    response = getattr(api(mentee), method)(url.format(**ids), body)
    assert response.status_code == 404, response.json()
    assert response.json()["status_code"] == 404


def test_self_service_needs_an_account(api):
    assert api().get(ME).status_code == 401


# --- the profile ----------------------------------------------------------------------------------------


def test_a_mentor_reads_their_own_profile(api, mentor, profile):
    response = api(mentor).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["title"]) == (profile.pk, "approved", "Senior Python Developer")
    assert body["skills"] == ["Python"]
    assert body["price_per_hour"] == 3000
    assert body["timezone"] == "UTC"


def test_patch_changes_title_price_skills_and_timezone(api, mentor, profile):
    response = api(mentor).patch(ME, {"title": "Staff Engineer", "price_per_hour": 4500,
                                      "skills": ["Go", "Kubernetes"], "timezone": "Europe/Moscow"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["title"], body["price_per_hour"], body["timezone"]) == ("Staff Engineer", 4500, "Europe/Moscow")
    assert sorted(body["skills"]) == ["Go", "Kubernetes"]
    profile.refresh_from_db()
    assert (profile.title, profile.price_per_hour, profile.timezone) == (
        "Staff Engineer", Decimal("4500.00"), "Europe/Moscow",
    )
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Go", "Kubernetes"]


def test_patch_without_skills_keeps_them(api, mentor, profile):
    assert api(mentor).patch(ME, {"title": "Staff Engineer"}).status_code == 200
    assert list(profile.skills.values_list("name", flat=True)) == ["Python"]


def test_a_bad_timezone_is_a_400_naming_it(api, mentor, profile):
    response = api(mentor).patch(ME, {"timezone": "Nowhere/Land"})
    assert response.status_code == 400
    assert fields_of(response) == ["timezone"]
    profile.refresh_from_db()
    assert profile.timezone == "UTC"


def test_a_negative_price_is_a_400_naming_it(api, mentor, profile):
    response = api(mentor).patch(ME, {"price_per_hour": -5})
    assert response.status_code == 400
    assert fields_of(response) == ["price_per_hour"]


@pytest.mark.parametrize("field,value", [("status", "approved"), ("rating_avg", "5.00"), ("total_sessions", 999)])
def test_read_only_fields_cannot_be_changed_by_patch(api, mentor, field, value):
    profile = MentorProfileFactory(user=mentor, status="pending")
    response = api(mentor).patch(ME, {field: value, "title": "Still pending"})
    assert response.status_code in (200, 400)
    profile.refresh_from_db()
    assert (profile.status, profile.rating_avg, profile.total_sessions) == ("pending", Decimal("0"), 0)
    if response.status_code == 200:
        assert response.json()["status"] == "pending"


# --- services ---------------------------------------------------------------------------------------------


def test_a_service_without_a_price_costs_the_hourly_rate_for_its_length(api, mentor, profile):
    response = api(mentor).post(SERVICES, {"name": "Mock interview", "duration_minutes": 90})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["price"] == 4500
    assert (body["capacity"], body["is_active"], body["session_type"]) == (1, True, "video")
    service = Service.objects.get(pk=body["id"])
    assert (service.mentor, service.price) == (profile, Decimal("4500.00"))


def test_a_service_keeps_the_price_it_was_given(api, mentor, profile):
    response = api(mentor).post(SERVICES, {"name": "Quick chat", "duration_minutes": 30, "price": 999.5,
                                           "session_type": "chat"})
    assert response.status_code == 201
    assert (response.json()["price"], response.json()["session_type"]) == (999.5, "chat")


def test_a_service_with_capacity_over_one_is_a_group_service_whose_slots_get_that_many_seats(api, mentor, profile):
    created = api(mentor).post(SERVICES, {"name": "Group workshop", "duration_minutes": 120, "capacity": 8})
    assert created.status_code == 201
    assert created.json()["capacity"] == 8
    start = (timezone.now() + timedelta(days=4)).replace(microsecond=0)
    slot = api(mentor).post(SLOTS, {"start": start.isoformat(), "service_id": created.json()["id"]})
    assert slot.status_code == 201, slot.json()
    assert (slot.json()["quota"], slot.json()["seats_left"], slot.json()["duration_minutes"]) == (8, 8, 120)


@pytest.mark.parametrize("duration", [0, 10, 14])
def test_a_service_shorter_than_15_minutes_is_a_400(api, mentor, profile, duration):
    response = api(mentor).post(SERVICES, {"name": "Too short", "duration_minutes": duration})
    assert response.status_code == 400
    assert fields_of(response) == ["duration_minutes"]
    assert not Service.objects.exists()


def test_a_mentor_lists_reads_updates_and_deletes_their_services(api, mentor, profile):
    client = api(mentor)
    long = ServiceFactory(mentor=profile, name="Deep dive", duration_minutes=90)
    short = ServiceFactory(mentor=profile, name="Quick", duration_minutes=30)
    ServiceFactory(name="Someone else's")

    listed = client.get(SERVICES)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [short.pk, long.pk]

    assert client.get(service_url(short.pk)).json()["name"] == "Quick"
    patched = client.patch(service_url(short.pk), {"name": "Quick call", "price": 1200})
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["price"]) == ("Quick call", 1200)
    short.refresh_from_db()
    assert (short.name, short.price) == ("Quick call", Decimal("1200.00"))

    assert client.delete(service_url(short.pk)).status_code == 204
    assert not Service.objects.filter(pk=short.pk).exists()


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_another_mentors_service_is_a_404(api, mentor, profile, method):
    theirs = ServiceFactory(name="Theirs")
    body = {"name": "Mine now", "duration_minutes": 60} if method in ("patch", "put") else None
    response = getattr(api(mentor), method)(service_url(theirs.pk), body)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.is_active, theirs.mentor_id) == ("Theirs", True, theirs.mentor.pk)


def test_deleting_a_service_that_a_slot_uses_retires_it_instead(api, mentor, profile):
    service = ServiceFactory(mentor=profile)
    SlotFactory(mentor=profile, service=service)

    response = api(mentor).delete(service_url(service.pk))

    assert response.status_code == 204
    service.refresh_from_db()
    assert service.is_active is False


# --- weekly hours ---------------------------------------------------------------------------------------------


def test_weekly_availability_is_read_as_day_names_and_ranges(api, mentor, profile):
    WeeklyRuleFactory(mentor=profile, weekday=2, start_time=time(14), end_time=time(20))
    WeeklyRuleFactory(mentor=profile, weekday=0, start_time=time(10), end_time=time(18))
    response = api(mentor).get(AVAILABILITY)
    assert response.status_code == 200
    assert response.json() == {"monday": ["10:00-18:00"], "wednesday": ["14:00-20:00"]}


def test_a_mentor_without_hours_reads_an_empty_week(api, mentor, profile):
    assert api(mentor).get(AVAILABILITY).json() == {}


def test_put_replaces_the_weekly_hours(api, mentor, profile):
    WeeklyRuleFactory(mentor=profile, weekday=0, start_time=time(10), end_time=time(18))
    new_week = {"tuesday": ["09:00-12:00", "13:00-17:00"], "friday": ["10:00-11:00"]}

    response = api(mentor).put(AVAILABILITY, new_week)

    assert response.status_code == 200, response.json()
    assert response.json() == new_week
    assert weekly_rows(profile) == [(1, "09:00", "12:00"), (1, "13:00", "17:00"), (4, "10:00", "11:00")]
    assert api(mentor).get(AVAILABILITY).json() == new_week


def test_put_with_an_empty_week_clears_the_hours(api, mentor, profile):
    WeeklyRuleFactory(mentor=profile)
    assert api(mentor).put(AVAILABILITY, {}).json() == {}
    assert weekly_rows(profile) == []


@pytest.mark.parametrize(
    "week,field",
    [
        ({"funday": ["10:00-18:00"]}, "availability.funday"),
        ({"monday": ["18:00-10:00"]}, "availability.monday.0"),
        ({"monday": ["10:00-12:00", "11:00-13:00"]}, "availability.monday"),
        ({"monday": ["25:00-26:00"]}, "availability.monday.0"),
    ],
    ids=["bad-day", "end-before-start", "overlap", "bad-time"],
)
def test_malformed_weekly_hours_are_a_400_naming_the_field_and_keep_the_old_hours(api, mentor, profile, week, field):
    WeeklyRuleFactory(mentor=profile, weekday=3, start_time=time(9), end_time=time(12))

    response = api(mentor).put(AVAILABILITY, {"tuesday": ["09:00-10:00"], **week})

    assert response.status_code == 400
    assert fields_of(response) == [field]
    assert weekly_rows(profile) == [(3, "09:00", "12:00")]


# --- date overrides ------------------------------------------------------------------------------------------


def test_overrides_are_replaced_and_read_back(api, mentor, profile):
    client = api(mentor)
    body = {"overrides": [{"date": in_days(3), "ranges": ["10:00-12:00", "14:00-15:00"]},
                          {"date": in_days(5), "ranges": []}]}

    response = client.put(OVERRIDES, body)

    assert response.status_code == 200, response.json()
    assert response.json() == body
    assert client.get(OVERRIDES).json() == body

    replaced = {"overrides": [{"date": in_days(4), "ranges": ["09:00-10:00"]}]}
    assert client.put(OVERRIDES, replaced).json() == replaced
    assert client.get(OVERRIDES).json() == replaced


def test_an_override_with_no_ranges_is_a_day_off(api, mentor, profile):
    day = timezone.localdate() + timedelta(days=7)
    WeeklyRuleFactory(mentor=profile, weekday=day.weekday(), start_time=time(9), end_time=time(17))
    assert api(mentor).put(OVERRIDES, {"overrides": [{"date": day.isoformat(), "ranges": []}]}).status_code == 200

    times = api().get(f"/api/v1/mentors/{profile.pk}/availability",
                      {"from": day.isoformat(), "to": day.isoformat(), "tz": "UTC"}).json()
    assert times == []
    other_day = day + timedelta(days=7)
    times = api().get(f"/api/v1/mentors/{profile.pk}/availability",
                      {"from": other_day.isoformat(), "to": other_day.isoformat(), "tz": "UTC"}).json()
    assert len(times) == 8


def test_an_override_for_a_past_date_is_a_400(api, mentor, profile):
    response = api(mentor).put(OVERRIDES, {"overrides": [{"date": in_days(2), "ranges": []},
                                                         {"date": in_days(-1), "ranges": []}]})
    assert response.status_code == 400
    assert fields_of(response) == ["overrides.1.date"]
    assert api(mentor).get(OVERRIDES).json() == {"overrides": []}


def test_an_override_listing_a_date_twice_is_a_400(api, mentor, profile):
    response = api(mentor).put(OVERRIDES, {"overrides": [{"date": in_days(2), "ranges": []},
                                                         {"date": in_days(2), "ranges": ["10:00-11:00"]}]})
    assert response.status_code == 400
    assert fields_of(response) == ["overrides.1.date"]


def test_an_override_with_a_malformed_range_is_a_400_and_keeps_the_old_ones(api, mentor, profile):
    client = api(mentor)
    kept = {"overrides": [{"date": in_days(2), "ranges": ["10:00-11:00"]}]}
    client.put(OVERRIDES, kept)
    response = client.put(OVERRIDES, {"overrides": [{"date": in_days(3), "ranges": ["12:00-11:00"]}]})
    assert response.status_code == 400
    assert fields_of(response) == ["overrides.0.ranges"]
    assert client.get(OVERRIDES).json() == kept
