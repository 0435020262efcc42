"""Searches and profile views are counted per UTC hour, also when the answer comes from the catalogue cache,
and a failed count never fails the page. Without a shared cache a count is one upsert; with Redis
(FUNNEL_COUNTS_BUFFERED) it waits in the cache, costs the request no query, and the minute's flush stores it."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from analytics import services
from analytics.models import HourlyCount
from mentorhub.cache import CacheUnavailable
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

SEARCH, PROFILE = HourlyCount.Step.SEARCH, HourlyCount.Step.PROFILE


@pytest.fixture(params=[False, True], ids=["written at once", "buffered"])
def buffered(request, settings):
    settings.FUNNEL_COUNTS_BUFFERED = request.param
    return request.param


def counted(step: str) -> int:
    services.funnel_flush()  # what the beat task does every minute; nothing to move when counts are written at once
    return sum(HourlyCount.objects.filter(step=step).values_list("count", flat=True))


def test_a_count_is_one_query_whether_or_not_the_hour_has_a_row_yet(settings, django_assert_num_queries):
    settings.FUNNEL_COUNTS_BUFFERED = False
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


def test_buffered_counts_cost_no_query_and_the_flush_adds_them_to_each_hour_once(settings, django_assert_num_queries):
    settings.FUNNEL_COUNTS_BUFFERED = True
    moment = timezone.now().replace(minute=59)
    earlier = moment - timedelta(hours=3)
    HourlyCount.objects.create(step=SEARCH, hour=moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0),
                               count=10)
    with django_assert_num_queries(0):
        for _ in range(3):
            services.funnel_count(step=SEARCH, now=moment)
        services.funnel_count(step=PROFILE, now=earlier)
    assert services.funnel_flush(now=moment) == 4
    assert services.funnel_flush(now=moment) == 0  # a second run finds nothing left: nothing is added twice
    rows = {(hour.astimezone(UTC).hour, step): count
            for hour, step, count in HourlyCount.objects.values_list("hour", "step", "count")}
    assert rows == {(moment.astimezone(UTC).hour, SEARCH): 13, (earlier.astimezone(UTC).hour, PROFILE): 1}


def test_a_flush_the_database_refuses_keeps_the_counts_for_the_next_one(settings, monkeypatch, caplog):
    settings.FUNNEL_COUNTS_BUFFERED = True
    services.funnel_count(step=SEARCH)
    services.funnel_count(step=SEARCH)
    monkeypatch.setattr(services, "connection", _BrokenConnection())
    with caplog.at_level(logging.ERROR, logger="analytics.services"):
        assert services.funnel_flush() == 0
    monkeypatch.undo()
    assert counted(SEARCH) == 2


def test_counts_the_database_refuses_while_redis_is_down_too_wait_in_the_flushing_process(settings, monkeypatch,
                                                                                          caplog):
    settings.FUNNEL_COUNTS_BUFFERED = True
    services.funnel_count(step=SEARCH)
    services.funnel_count(step=SEARCH)

    def unreachable(counts, *, timeout):
        raise CacheUnavailable("Connection refused")

    monkeypatch.setattr(services, "connection", _BrokenConnection())
    monkeypatch.setattr(services, "add_to_counters", unreachable)  # taken out of Redis, then it went away
    with caplog.at_level(logging.ERROR, logger="analytics.services"):
        assert services.funnel_flush() == 0
    assert sum(services.pending_counts.waiting().values()) == 2
    monkeypatch.undo()
    assert counted(SEARCH) == 2
    assert services.pending_counts.waiting() == {}


def test_a_search_served_from_the_catalogue_cache_is_counted_and_costs_no_query_when_buffered(
        api, buffered, django_assert_num_queries):
    MentorProfileFactory.create_batch(3)
    client = api()
    assert client.get("/api/v1/mentors?skill=python").status_code == 200
    # The list comes from the cache; written at once, the one query is the count.
    with django_assert_num_queries(0 if buffered else 1):
        assert client.get("/api/v1/mentors?skill=python").status_code == 200
    assert counted(SEARCH) == 2


def test_search_pages_and_profiles_count_on_their_first_page_only(client, api, buffered):
    mentor = MentorProfileFactory()
    for path in ("/mentors/", "/mentors/?page=1&skill=go", f"/mentors/{mentor.pk}/"):
        assert client.get(path).status_code == 200
    for path in ("/mentors/?page=2", f"/mentors/{mentor.pk}/?week=2030-01-07"):
        client.get(path)
    assert api().get(f"/api/v1/mentors/{mentor.pk}").status_code == 200
    assert api().get("/api/v1/mentors?page=2").status_code in (200, 404)
    assert (counted(SEARCH), counted(PROFILE)) == (2, 2)


def test_missing_profiles_and_other_methods_are_not_counted(client, api, mentee, buffered):
    assert client.get("/mentors/999999/").status_code == 404
    assert api().get("/api/v1/mentors/999999").status_code == 404
    assert api(mentee).post("/api/v1/mentors", {}, format="json").status_code == 405
    assert client.get("/courses/").status_code == 200
    assert services.funnel_flush() == 0
    assert not HourlyCount.objects.exists()


class _BrokenConnection:
    """The database refuses the count (a full disk, a lost connection)."""

    ops = connection.ops

    def cursor(self):
        raise OperationalError("could not write")


def test_a_failed_count_is_logged_and_the_page_is_served_anyway(client, settings, monkeypatch, caplog):
    settings.FUNNEL_COUNTS_BUFFERED = False
    monkeypatch.setattr(services, "connection", _BrokenConnection())
    with caplog.at_level(logging.ERROR, logger="analytics.services"):
        response = client.get("/mentors/")
    assert response.status_code == 200
    assert [r.getMessage() for r in caplog.records if r.name == "analytics.services"] == [
        "Could not count the funnel step search; the page was served anyway."]
    assert caplog.records[-1].exc_info is not None  # with its traceback


def test_the_beat_schedule_runs_the_flush_every_minute(settings):
    from analytics.tasks import flush_funnel_counts

    settings.FUNNEL_COUNTS_BUFFERED = True
    assert settings.CELERY_BEAT_SCHEDULE["flush-funnel-counts"] == {"task": flush_funnel_counts.name, "schedule": 60.0}
    services.funnel_count(step=PROFILE)
    assert flush_funnel_counts() == 1
    assert sum(HourlyCount.objects.filter(step=PROFILE).values_list("count", flat=True)) == 1
