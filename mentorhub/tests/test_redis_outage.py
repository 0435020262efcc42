"""A Redis outage degrades the API, it does not take it down (issue 15).

Each test runs a Redis of its own on port 6390, points the cache at it, and stops it mid-test.
"""

import json
import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.db import OperationalError
from freezegun import freeze_time

from mentorhub import cache as mentorhub_cache

PORT = 6390
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary"),
]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class OwnRedis:
    def __init__(self):
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while not _answers(PORT):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=5)
        assert not _answers(PORT)


@pytest.fixture
def redis_down_later(settings, request):
    """The default cache on a Redis of our own, running; call ``.stop()`` to take it down."""
    assert not _answers(PORT), f"port {PORT} is taken: these tests need their own Redis"
    server = OwnRedis()
    server.start()
    request.addfinalizer(server.stop)
    settings.CACHES = {"default": {
        "BACKEND": "mentorhub.cache.SoftRedisCache",
        "LOCATION": f"redis://127.0.0.1:{PORT}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": mentorhub_cache.no_retry()},
    }}
    for warner in (mentorhub_cache.warn_cache_down, mentorhub_cache.warn_counting_locally):
        warner._last = None
    mentorhub_cache.local_windows.clear()
    mentorhub_cache.local_fallback.clear()
    return server


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


def _warnings(caplog, text):
    return [r for r in caplog.records if r.name == "mentorhub.cache" and text in r.getMessage()]


def test_the_mentor_list_and_the_home_page_answer_while_redis_is_down(api, client, redis_down_later):
    assert api().get("/api/v1/mentors/").status_code == 200  # cached in Redis while it is up
    redis_down_later.stop()

    started = time.monotonic()
    assert api().get("/api/v1/mentors/").status_code == 200
    assert client.get("/").status_code == 200
    assert time.monotonic() - started < 3  # fails fast: no retries, short socket timeouts


def test_a_throttled_post_answers_normally_while_redis_is_down(api, redis_down_later):
    redis_down_later.stop()
    response = api().post("/api/v1/auth/login", {"email": "a@b.co", "password": "x"})
    assert response.status_code == 401


def test_the_rate_limit_still_holds_per_process_while_redis_is_down(api, rates, redis_down_later, caplog):
    rates(anon="3/hour", auth="100/minute")
    redis_down_later.stop()
    caplog.set_level(logging.WARNING, logger="mentorhub.cache")
    with freeze_time("2026-11-23 10:00:00", tick=True):
        statuses = [api().get("/api/v1/mentors/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_outage_is_logged_once_per_interval_not_per_request(api, redis_down_later, caplog):
    redis_down_later.stop()
    caplog.set_level(logging.WARNING, logger="mentorhub.cache")
    with freeze_time("2026-11-23 10:00:00") as clock:
        for _ in range(3):
            api().get("/api/v1/mentors/")
        assert len(_warnings(caplog, "rate limits count per process")) == 1
        assert len(_warnings(caplog, "Redis cache unreachable")) == 1
        clock.tick(mentorhub_cache.WARN_INTERVAL + 1)
        api().get("/api/v1/mentors/")
    assert len(_warnings(caplog, "rate limits count per process")) == 2


def test_counts_are_shared_through_redis_while_it_is_up(api, rates, redis_down_later):
    rates(anon="2/hour")
    with freeze_time("2026-11-23 10:00:00", tick=True):
        assert [api().get("/api/v1/mentors/").status_code for _ in range(3)] == [200, 200, 429]
    assert mentorhub_cache.local_windows._counts == {}  # nothing fell back to the process


def test_an_unreachable_database_answers_503_in_the_error_shape(api, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("mentors.selectors.mentor_search", unreachable)
    response = api().get("/api/v1/mentors/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is temporarily unavailable. Please try again shortly.",
        "status_code": 503, "errors": []}
    assert response["Retry-After"] == "30"


@pytest.fixture
def broker_down(redis_down_later, monkeypatch):
    """Celery publishes to the (stopped) Redis of ``redis_down_later`` instead of running tasks in-process."""
    from kombu import pools

    from mentorhub import queue
    from mentorhub.celery import app

    redis_down_later.stop()
    queue.breaker.reset()
    queue.warn_broker_down._last = None
    # Celery reads the Django-namespaced key first, so both spellings.
    for key, value in {"task_always_eager": False, "broker_url": f"redis://127.0.0.1:{PORT}/1"}.items():
        monkeypatch.setitem(app.conf, key, value)
        monkeypatch.setitem(app.conf, f"CELERY_{key.upper()}", value)
    # No connection or producer pool to an earlier broker (the shared Redis, when REDIS_URL is set).
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    yield
    queue.breaker.reset()
    # kombu keeps connection and producer pools per broker address in registries of its own: close and
    # drop those of this Redis, so no later test is handed a closed pool.
    for registry in (pools.producers, pools.connections):
        for key, pool in list(registry.items()):
            if getattr(pool, "connections", pool).connection.port == PORT:  # a producer pool has .connections
                registry.pop(key).force_close_all()


def _hold(api, mentee, capacity=1):
    from datetime import timedelta

    from django.utils import timezone

    from mentors.tests.factories import MentorProfileFactory, SlotFactory

    profile = MentorProfileFactory(timezone="UTC", min_notice_minutes=0)
    start = (timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=capacity)
    return slot, api(mentee).post("/api/v1/booking/hold", {"slotId": str(slot.pk)})


def test_a_hold_whose_notice_cannot_be_queued_is_saved_and_its_notice_still_delivered(
        api, mentee, broker_down, django_capture_on_commit_callbacks, caplog):
    from bookings.models import Booking
    from notifications.models import Notification

    caplog.set_level(logging.WARNING, logger="mentorhub.queue")
    with django_capture_on_commit_callbacks(execute=True):
        slot, response = _hold(api, mentee)

    assert response.status_code == 201, response.content
    assert Booking.objects.filter(mentee=mentee, slot=slot).exists()
    # The task ran in this process instead: both sides have their notice, nothing failed after commit.
    assert Notification.objects.filter(user=mentee).exists()
    assert Notification.objects.filter(user=slot.mentor.user).exists()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    assert [r.name for r in caplog.records if "broker unreachable" in r.getMessage()] == ["mentorhub.queue"]


def test_after_a_failed_publish_the_broker_is_not_asked_again_until_the_retry_interval_ends(
        api, mentee, other_user, broker_down, django_capture_on_commit_callbacks, monkeypatch, settings):
    from bookings.tasks import notify_booking_changed
    from mentorhub import queue

    asked = []
    publish = notify_booking_changed.apply_async
    monkeypatch.setattr(notify_booking_changed, "apply_async", lambda *a, **kw: asked.append(1) or publish(*a, **kw))

    with django_capture_on_commit_callbacks(execute=True):
        assert _hold(api, mentee)[1].status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        assert _hold(api, other_user)[1].status_code == 201
    assert len(asked) == 1  # the second notice went straight to this process: no second wait on the broker

    later = time.monotonic() + settings.BROKER_RETRY_SECONDS + 1
    monkeypatch.setattr(queue.time, "monotonic", lambda: later)
    assert not queue.breaker.is_open  # the next task asks the broker again


def test_failed_logins_are_still_limited_per_process_while_redis_is_down(client, mentee, redis_down_later, settings):
    from accounts.tests.factories import TEST_PASSWORD

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/5m/key"}
    redis_down_later.stop()
    for _ in range(3):
        assert b"Too many failed login attempts" not in client.post(
            "/accounts/login/", {"login": mentee.email, "password": "wrong"}).content
    locked = client.post("/accounts/login/", {"login": mentee.email, "password": TEST_PASSWORD})
    assert b"Too many failed login attempts" in locked.content
    assert mentorhub_cache.local_fallback._cache  # counted in this process, as the warning says


def test_an_unreachable_database_answers_pages_with_a_plain_503_not_a_traceback(client, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("mentorhub.views.next_open_times", lambda: unreachable())
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.content and b"Traceback" not in response.content
    assert response["Retry-After"] == "30"


def test_an_unreachable_database_outside_drf_answers_503_in_the_api_error_shape(rf):
    from mentorhub.views import server_error

    try:  # as Django calls handler500: inside the except block of whatever escaped (a middleware, say)
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(rf.get("/api/v1/me"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "detail": "The service is temporarily unavailable. Please try again shortly.",
        "status_code": 503, "errors": []}


def test_after_redis_restarts_the_next_count_goes_through_on_a_new_connection_without_a_warning(
        redis_down_later, caplog):
    # The counters speak to Redis on the thread's own connection (SoftRedisCache._exchange), which the
    # restart closed: the count is sent again on a new one instead of falling back to this process.
    assert [mentorhub_cache.count_in_window("restart", timeout=60) for _ in range(2)] == [1, 2]
    redis_down_later.stop()
    redis_down_later.start()
    with caplog.at_level(logging.WARNING, logger="mentorhub.cache"):
        assert mentorhub_cache.count_in_window("restart", timeout=60) == 1  # the restarted Redis kept nothing
        assert mentorhub_cache.count_in_window("restart", timeout=60) == 2
    assert not _warnings(caplog, "unreachable")
