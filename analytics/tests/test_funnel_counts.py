"""Searches and profile views are counted per UTC hour: one query per counted request, also when the answer
comes from the catalogue cache, and a failed count never fails the page."""

import logging
from datetime import UTC, datetime

import pytest
from django.db import OperationalError, connection

from analytics import services
from analytics.models import HourlyCount
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

SEARCH, PROFILE = HourlyCount.Step.SEARCH, HourlyCount.Step.PROFILE


def counted(step: str) -> int:
    return sum(HourlyCount.objects.filter(step=step).values_list("count", flat=True))


def test_a_count_is_one_query_whether_or_not_the_hour_has_a_row_yet(django_assert_num_queries):
    moment = datetime(2026, 10, 25, 1, 59, tzinfo=UTC)
    with django_assert_num_queries(1):
        services.funnel_count(step=SEARCH, now=moment)
    with django_assert_num_queries(1):
        services.funnel_count(step=SEARCH, now=moment.replace(minute=5))
    services.funnel_count(step=SEARCH, now=moment.replace(hour=2))
    services.funnel_count(step=PROFILE, now=moment)
    rows = HourlyCount.objects.order_by("hour", "step").values_list("hour", "step", "count")
    assert list(rows) == [(datetime(2026, 10, 25, 1, tzinfo=UTC), PROFILE, 1),
                          (datetime(2026, 10, 25, 1, tzinfo=UTC), SEARCH, 2),
                          (datetime(2026, 10, 25, 2, tzinfo=UTC), SEARCH, 1)]


def test_a_search_served_from_the_catalogue_cache_is_counted_with_its_one_query(api, django_assert_num_queries):
    MentorProfileFactory.create_batch(3)
    client = api()
    assert client.get("/api/v1/mentors?skill=python").status_code == 200
    with django_assert_num_queries(1):  # the list comes from the cache; the one query is the count
        assert client.get("/api/v1/mentors?skill=python").status_code == 200
    assert counted(SEARCH) == 2


def test_search_pages_and_profiles_count_on_their_first_page_only(client, api):
    mentor = MentorProfileFactory()
    for path in ("/mentors/", "/mentors/?page=1&skill=go", f"/mentors/{mentor.pk}/"):
        assert client.get(path).status_code == 200
    for path in ("/mentors/?page=2", f"/mentors/{mentor.pk}/?week=2030-01-07"):
        client.get(path)
    assert api().get(f"/api/v1/mentors/{mentor.pk}").status_code == 200
    assert api().get("/api/v1/mentors?page=2").status_code in (200, 404)
    assert (counted(SEARCH), counted(PROFILE)) == (2, 2)


def test_missing_profiles_and_other_methods_are_not_counted(client, api, mentee):
    assert client.get("/mentors/999999/").status_code == 404
    assert api().get("/api/v1/mentors/999999").status_code == 404
    assert api(mentee).post("/api/v1/mentors", {}, format="json").status_code == 405
    assert client.get("/courses/").status_code == 200
    assert not HourlyCount.objects.exists()


class _BrokenConnection:
    """The database refuses the count (a full disk, a lost connection)."""

    ops = connection.ops

    def cursor(self):
        raise OperationalError("could not write")


def test_a_failed_count_is_logged_and_the_page_is_served_anyway(client, monkeypatch, caplog):
    monkeypatch.setattr(services, "connection", _BrokenConnection())
    with caplog.at_level(logging.ERROR, logger="analytics.services"):
        response = client.get("/mentors/")
    assert response.status_code == 200
    assert [r.getMessage() for r in caplog.records if r.name == "analytics.services"] == [
        "Could not count the funnel step search; the page was served anyway."]
    assert caplog.records[-1].exc_info is not None  # with its traceback
