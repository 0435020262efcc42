"""Funnel counts gather in the web process and a background thread adds them to the shared cache: a catalogue
hit costs no round trip to count itself, and no count is lost to a Redis outage or a normal exit."""

import logging
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from analytics import services
from analytics.models import HourlyCount
from analytics.pending import PendingCounts
from mentorhub.cache import CacheUnavailable
from mentorhub.testing import redis_packets, requires_redis
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

SEARCH, PROFILE = HourlyCount.Step.SEARCH, HourlyCount.Step.PROFILE


@pytest.fixture
def pushing(settings):
    """Counts are buffered and pushed by the thread every ``interval`` seconds; the thread stops after the test."""

    def every(interval: float) -> None:
        settings.FUNNEL_COUNTS_BUFFERED = True
        settings.FUNNEL_COUNTS_PUSH_SECONDS = interval

    yield every
    services.pending_counts.stop()
    services.pending_counts.clear()


def stored(step: str) -> int:
    return sum(HourlyCount.objects.filter(step=step).values_list("count", flat=True))


def in_cache(step: str) -> int | None:
    from django.core.cache import cache

    return cache.get(services._buffer_key(services._hour(None), step))


def test_counts_wait_in_the_process_and_the_thread_adds_them_to_the_cache_within_its_interval(pushing):
    pushing(0.05)
    for _ in range(3):
        services.funnel_count(step=SEARCH)
    services.funnel_count(step=PROFILE)
    deadline = time.monotonic() + 10
    while (in_cache(SEARCH), in_cache(PROFILE)) != (3, 1) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (in_cache(SEARCH), in_cache(PROFILE)) == (3, 1)
    assert services.pending_counts.waiting() == {}
    assert services.funnel_flush() == 4
    assert (stored(SEARCH), stored(PROFILE)) == (3, 1)


def test_the_minute_flush_pushes_what_this_process_still_holds_first(pushing):
    pushing(3600)  # the thread would not push within the test
    services.funnel_count(step=SEARCH)
    services.funnel_count(step=SEARCH)
    assert in_cache(SEARCH) is None and sum(services.pending_counts.waiting().values()) == 2
    assert services.funnel_flush() == 2
    assert stored(SEARCH) == 2


@requires_redis
@pytest.mark.parametrize(("path", "step"), [("/api/v1/mentors?skill=python", SEARCH),
                                            ("/api/v1/mentors/{pk}", PROFILE)])
def test_a_cached_catalogue_hit_makes_one_round_trip_to_redis_its_count_included(api, pushing, path, step):
    pushing(3600)
    url = path.format(pk=MentorProfileFactory.create_batch(2)[0].pk)
    built = api().get(url)  # builds and stores the page
    with redis_packets() as trips:
        hit = api().get(url)

    assert hit.status_code == 200 and hit.content == built.content
    assert len(trips) == 1 and "throttle:anon" in trips[0] and "mentors:catalog:page" in trips[0]
    assert services.funnel_flush() == 2  # both answers, the built one and the hit
    assert stored(step) == 2


def test_counts_that_cannot_reach_the_cache_wait_in_the_process_until_it_is_back(client, settings, monkeypatch):
    settings.FUNNEL_COUNTS_BUFFERED = True
    settings.FUNNEL_COUNTS_PUSH_SECONDS = 0  # each count tries the cache at once

    def unreachable(counts, *, timeout):
        raise CacheUnavailable("Connection refused")

    monkeypatch.setattr(services, "add_to_counters", unreachable)
    assert client.get("/mentors/").status_code == 200
    assert client.get("/mentors/").status_code == 200
    assert services.funnel_flush() == 0
    assert sum(services.pending_counts.waiting().values()) == 2
    monkeypatch.undo()
    assert services.funnel_flush() == 2
    assert stored(SEARCH) == 2 and services.pending_counts.waiting() == {}


def test_a_push_that_fails_for_an_unexpected_reason_is_logged_and_the_counts_kept(caplog):
    calls = []

    def broken(counts):
        calls.append(counts)
        raise RuntimeError("serializer broke")

    counts = PendingCounts(broken, name="test")
    counts.add("a", every=0)
    counts.add("a", every=0)
    with caplog.at_level(logging.WARNING, logger="analytics.pending"):
        assert counts.push() == 0
        assert counts.push() == 0
    assert calls == [{"a": 2}, {"a": 2}]
    assert counts.waiting() == {"a": 2}
    # One warning per interval, not one per push (the thread pushes every second).
    assert [r.getMessage() for r in caplog.records if r.name == "analytics.pending"] == [
        "Could not push the counts kept in this process; they wait for the next push "
        "(RuntimeError('serializer broke'))"]
    counts.clear()  # or the push at the test process's exit would try once more


def test_hours_no_flush_would_read_any_more_are_dropped_when_pushed(settings):
    settings.FUNNEL_COUNTS_BUFFERED = True
    long_ago = timezone.now() - timedelta(hours=services.FLUSH_LOOKBACK_HOURS + 2)
    services.funnel_count(step=SEARCH, now=long_ago)
    services.funnel_count(step=SEARCH)
    assert services.pending_counts.waiting() == {}
    assert services.funnel_flush() == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_worker_starts_with_no_counts_and_no_thread_of_its_parent():
    sent = []
    counts = PendingCounts(sent.append, name="test")
    counts.add("parent", every=3600)
    pid = os.fork()
    if pid == 0:  # the child: a gunicorn worker forked from a master that had counted
        code = 0 if counts.waiting() == {} and counts._thread is None else 1
        counts.add("child", every=0)
        code = code or (0 if counts.waiting() == {"child": 1} else 1)
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert counts.waiting() == {"parent": 1}
    counts.stop()
    assert sent == [{"parent": 1}]  # stopping pushes what is left


@requires_redis
def test_a_process_that_exits_normally_pushes_its_counts_on_the_way_out(tmp_path):
    # Another process, with its own memory: only what it pushed at exit can reach this one.
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "settings.FUNNEL_COUNTS_BUFFERED = True\n"
        "settings.FUNNEL_COUNTS_PUSH_SECONDS = 3600\n"
        "from analytics import services\n"
        "for _ in range(5): services.funnel_count(step='profile')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorhub.test_settings"}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=django_settings.BASE_DIR,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert in_cache(PROFILE) == 5
