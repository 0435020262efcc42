"""Dates at the ends of the calendar (9999-12-31, 0001-01-01) are refused with a 400, never a 500."""

import pytest

from mentors.tests.factories import MentorProfileFactory, ServiceFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db

EXTREMES = ["9999-12-31", "0001-01-01"]
EXTREME_MOMENTS = ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:30:00-05:00",
                   "0001-01-01T00:30:00+05:00", "9999-12-31", "0001-01-01"]


@pytest.fixture
def listed():
    profile = MentorProfileFactory(timezone="Pacific/Kiritimati")
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday)
    ServiceFactory(mentor=profile)
    return profile


def fields_of(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("day", EXTREMES)
def test_searching_mentors_available_on_the_end_of_the_calendar_is_a_400_naming_it(api, listed, day):
    response = api().get("/api/v1/mentors", {"available_on": day})
    assert response.status_code == 400
    assert fields_of(response) == ["available_on"]


@pytest.mark.parametrize("param", ["from", "to"])
@pytest.mark.parametrize("value", EXTREME_MOMENTS)
@pytest.mark.parametrize("endpoint", ["availability", "slots"])
def test_an_availability_window_at_the_end_of_the_calendar_is_a_400_naming_it(api, listed, endpoint, param, value):
    response = api().get(f"/api/v1/mentors/{listed.pk}/{endpoint}", {param: value, "tz": "Pacific/Kiritimati"})
    assert response.status_code == 400
    assert param in fields_of(response)


@pytest.mark.parametrize("day", EXTREMES)
def test_the_profile_page_for_a_week_at_the_end_of_the_calendar_shows_this_week(client, listed, day):
    response = client.get(f"/mentors/{listed.pk}/", {"week": day})
    assert response.status_code == 200
    assert response.context["is_current_week"]


@pytest.mark.parametrize("day", EXTREMES)
def test_searching_the_mentor_pages_for_a_day_at_the_end_of_the_calendar_explains_it(client, listed, day):
    response = client.get("/mentors/", {"available_on": day})
    assert response.status_code == 200
    assert response.context["form"].errors["available_on"]


@pytest.mark.parametrize("value", ["9999-12-31T23:30:00+00:00", "0001-01-01T00:00:00+00:00"])
def test_a_mentor_publishing_a_slot_at_the_end_of_the_calendar_gets_a_400(api, mentor, value):
    MentorProfileFactory(user=mentor)
    response = api(mentor).post("/api/v1/mentors/me/slots", {"start": value, "duration_minutes": 60})
    assert response.status_code == 400
    assert fields_of(response) == ["start"]


@pytest.mark.parametrize("day", EXTREMES)
def test_a_day_off_at_the_end_of_the_calendar_is_a_400(api, mentor, day):
    MentorProfileFactory(user=mentor)
    response = api(mentor).put("/api/v1/mentors/me/overrides", {"overrides": [{"date": day, "ranges": []}]})
    assert response.status_code == 400
    assert fields_of(response) == ["overrides.0.date"]
