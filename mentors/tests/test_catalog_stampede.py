"""When a catalogue page goes out of date, one request rebuilds it and the others do not wait for it.

The builds here are stand-ins that count their calls and can be held on an Event, so the concurrent
callers are real threads on the real cache (locmem, or Redis with REDIS_URL) while the clock is ours.
"""

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from mentors import cache as catalog

PATH = "/api/v1/mentors?skill=python&min_price=1000"


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 24, 9, 0, 30, tzinfo=UTC)

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


BUILDS, CALLERS = [], []


@pytest.fixture(autouse=True)
def _no_thread_outlives_its_test():
    # A failing test must not leave a held build behind to write into the next test's cache.
    yield
    for build in BUILDS:
        build.release.set()
    for callers in CALLERS:
        for thread in callers.threads:
            thread.join(5)
    BUILDS.clear()
    CALLERS.clear()


class Build:
    """A page build that counts its calls; with ``hold`` it waits for ``release`` before returning."""

    def __init__(self, text: str, *, hold: bool = False):
        BUILDS.append(self)
        self.text, self.hold = text, hold
        self.calls, self.started, self.release = 0, threading.Event(), threading.Event()
        self._count = threading.Lock()

    def __call__(self):
        with self._count:
            self.calls += 1
        self.started.set()
        if self.hold:
            assert self.release.wait(5)
        return {"page": self.text}


def request(**headers):
    return Request(APIRequestFactory().get(PATH, **headers))


def serve(build, **headers):
    return catalog.cached_json(request(**headers), scope="list", zone="UTC", build=build)


def page(response) -> str:
    return json.loads(response.content)["page"]


class Callers:
    """``count`` threads asking for the page at once; their answers (or errors) in the order they came."""

    def __init__(self, count: int, build):
        self.answers, self.errors, self._done = [], [], threading.Condition()
        self.threads = [threading.Thread(target=self._call, args=(build,)) for _ in range(count)]
        CALLERS.append(self)
        for thread in self.threads:
            thread.start()

    def _call(self, build):
        try:
            answer = serve(build)
        except BaseException as error:  # noqa: BLE001 - surfaced by the test through self.errors
            answer, self.errors = None, [*self.errors, error]
        with self._done:
            self.answers.append(answer)
            self._done.notify_all()

    def wait_for(self, count: int, timeout: float = 3) -> list:
        with self._done:
            assert self._done.wait_for(lambda: len(self.answers) >= count, timeout), len(self.answers)
            return list(self.answers)

    def join(self):
        for thread in self.threads:
            thread.join(5)
        assert not self.errors and not any(thread.is_alive() for thread in self.threads)
        return self.answers


def test_at_the_minute_rollover_one_request_rebuilds_and_the_others_get_the_previous_page(clock):
    before = serve(Build("minute 0"))
    clock.tick(60)
    build = Build("minute 1", hold=True)
    callers = Callers(16, build)
    assert build.started.wait(3)
    served_meanwhile = callers.wait_for(15)  # while the one rebuild is still held
    assert build.calls == 1
    assert [page(r) for r in served_meanwhile] == ["minute 0"] * 15
    assert {r["ETag"] for r in served_meanwhile} == {before["ETag"]}  # the old page keeps its own ETag
    build.release.set()
    answers = callers.join()
    assert page(answers[-1]) == "minute 1" and build.calls == 1
    later = Build("not needed")
    assert page(serve(later)) == "minute 1" and later.calls == 0


def test_the_previous_minutes_page_answers_304_to_its_own_etag_while_it_is_rebuilt(clock):
    etag = serve(Build("minute 0"))["ETag"]
    clock.tick(60)
    build = Build("minute 1", hold=True)
    callers = Callers(1, build)
    assert build.started.wait(3)
    assert serve(Build("not needed"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    build.release.set()
    callers.join()
    assert serve(Build("not needed"), HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.django_db
def test_after_an_invalidation_the_next_request_rebuilds_even_in_the_same_minute(clock):
    serve(Build("before the write"))
    catalog.invalidate_catalog()
    build = Build("after the write")
    assert page(serve(build)) == "after the write" and build.calls == 1


@pytest.mark.django_db
def test_after_an_invalidation_nobody_is_served_the_page_of_the_older_version(clock):
    serve(Build("before the write"))
    clock.tick(60)  # even when the older page is also a minute old, as a stale page would be
    catalog.invalidate_catalog()
    build = Build("after the write", hold=True)
    callers = Callers(1, build)
    assert build.started.wait(3)
    threading.Timer(0.03, build.release.set).start()
    own = Build("own build")
    assert page(serve(own)) == "after the write"  # waited for the winner rather than take the old page
    assert own.calls == 0 and build.calls == 1
    callers.join()


def test_on_a_cold_start_the_others_wait_briefly_for_the_one_build(clock):
    build = Build("first", hold=True)
    callers = Callers(8, build)
    assert build.started.wait(3)
    time.sleep(0.03)
    build.release.set()
    answers = callers.join()
    assert [page(r) for r in answers] == ["first"] * 8 and build.calls == 1


def test_on_a_cold_start_a_slow_build_makes_the_others_build_themselves_after_a_short_wait(clock, monkeypatch):
    monkeypatch.setattr(catalog, "WAIT_SECONDS", 0.05)
    slow = Build("slow", hold=True)
    winner = Callers(1, slow)
    assert slow.started.wait(3)
    started, own = time.monotonic(), Build("own")
    others = Callers(3, own)
    answers = others.wait_for(3)  # while the slow build is still held
    assert time.monotonic() - started < 1  # a bounded wait, not until the slow build ends
    assert [page(r) for r in answers] == ["own"] * 3
    assert 1 <= own.calls <= 3  # at most one build each (a waiter may still find another's page first)
    others.join()
    slow.release.set()
    winner.join()
    assert slow.calls == 1


def test_a_build_that_fails_leaves_no_lock_behind(clock):
    def bad_query():
        raise ValidationError({"min_price": ["A valid integer is required."]})

    with pytest.raises(ValidationError):
        serve(bad_query)
    build = Build("page")
    started = time.monotonic()
    assert page(serve(build)) == "page" and build.calls == 1
    assert time.monotonic() - started < catalog.WAIT_SECONDS  # it did not wait for a lock left behind


def lock_of_the_page() -> str:
    return catalog.page_keys(catalog.page_identity(request(), scope="list", zone="UTC"))[1]


def expire_after_its_timeout(lock: str, monkeypatch) -> None:
    """Let the lock's own timeout pass: jump the local-memory cache's clock, or check Redis's TTL and end it."""
    backend, key = caches["default"], cache.make_key(lock)
    if isinstance(backend, LocMemCache):
        assert backend._expire_info[key] <= time.time() + catalog.LOCK_SECONDS
        later = time.time() + catalog.LOCK_SECONDS + 1
        monkeypatch.setattr("django.core.cache.backends.locmem.time", type("Later", (), {"time": lambda: later}))
    else:
        client = backend._cache.get_client(key, write=True)
        assert 0 < client.pttl(key) <= catalog.LOCK_SECONDS * 1000
        client.pexpire(key, 1)
        time.sleep(0.01)


def test_the_lock_of_a_request_that_died_while_rebuilding_expires(clock, monkeypatch):
    serve(Build("minute 0"))
    clock.tick(60)
    lock = lock_of_the_page()
    assert catalog.take_rebuild_lock(lock)  # taken by a request that then died: never released
    waiting = Build("minute 1")
    assert page(serve(waiting)) == "minute 0" and waiting.calls == 0
    expire_after_its_timeout(lock, monkeypatch)
    build = Build("minute 1")
    assert page(serve(build)) == "minute 1" and build.calls == 1
