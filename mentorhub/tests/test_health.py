from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.utils import timezone

from mentorhub import health
from mentorhub.models import Heartbeat
from mentorhub.tasks import beat_heartbeat
from mentorhub.testing import requires_postgresql, requires_redis

pytestmark = pytest.mark.django_db
READY = "/health/ready"


@pytest.fixture(autouse=True)
def _no_remembered_verdict():
    health.verdict.forget()
    yield
    health.verdict.forget()


CACHE_OPERATIONS = ("get", "set", "add", "delete", "touch", "incr", "decr", "has_key", "get_many", "set_many",
                    "delete_many", "get_or_set", "clear")


@pytest.fixture
def cache_calls(monkeypatch):
    """Every operation the Django cache (Redis or local memory) is asked for while the test runs."""
    calls = []
    backend = caches["default"]
    for operation in CACHE_OPERATIONS:
        monkeypatch.setattr(backend, operation, lambda *args, _op=operation, **kwargs: calls.append(_op))
    return calls


def _fail(error):
    def check():
        raise error

    return check


# --- Liveness ------------------------------------------------------------------------------------------


def test_liveness_answers_ok_without_a_query_or_a_cache_call(client, django_assert_num_queries, cache_calls):
    with django_assert_num_queries(0):
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert cache_calls == []


def test_liveness_answers_head_too(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.head("/health")
    assert response.status_code == 200


def test_liveness_of_a_signed_in_browser_neither_loads_nor_sets_the_session(client, mentee,
                                                                          django_assert_num_queries):
    client.force_login(mentee)
    with django_assert_num_queries(0):  # a session lookup would be a query, and the user another
        response = client.get("/health")
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_liveness_stays_ok_while_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(connection, "cursor", _fail(OperationalError("connection refused")))
    assert client.get("/health").status_code == 200


def test_probes_answer_a_load_balancer_that_asks_by_the_instance_address(client):
    assert client.get("/", HTTP_HOST="10.0.0.7").status_code == 400  # not one of ALLOWED_HOSTS
    assert client.get("/health", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get(READY, HTTP_HOST="10.0.0.7").status_code in (200, 503)


def test_liveness_answers_only_get_and_head(client):
    assert client.post("/health").status_code == 405


# --- Readiness -----------------------------------------------------------------------------------------


def test_readiness_is_ok_when_every_dependency_answers(client):
    beat_heartbeat()
    response = client.get(READY)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] in ("ok", "in-process")
    assert body["checks"]["broker"] in ("ok", "in-process")
    assert body["checks"]["beat"] == "ok"
    assert not response.cookies


def test_readiness_is_degraded_but_200_when_redis_fails(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "cache", _fail(ConnectionError("Error 111 connecting to redis")))
    monkeypatch.setitem(health.CHECKS, "beat", lambda: "ok")
    response = client.get(READY)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["down"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert "Error 111" in body["checks"]["cache"]


def test_readiness_is_degraded_naming_the_broker_when_it_is_unreachable(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setitem(health.CHECKS, "cache", lambda: "ok")
    monkeypatch.setitem(health.CHECKS, "beat", lambda: "ok")
    response = client.get(READY)
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["down"] == ["broker"]


def test_readiness_is_503_unavailable_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(connection, "cursor", _fail(OperationalError("connection refused")))
    response = client.get(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "database" in body["down"]
    assert "connection refused" in body["checks"]["database"]
    assert body["checks"]["beat"] == "unknown: the database is down"  # not asked of a database that is down


def test_a_stale_beat_heartbeat_makes_readiness_degraded(client, settings):
    settings.BEAT_STALE_SECONDS = 180
    Heartbeat.objects.create(name=health.BEAT, at=timezone.now() - timedelta(seconds=600))
    body = client.get(READY).json()
    assert body["status"] == "degraded"
    assert "beat" in body["down"]
    assert "last run 600 s ago" in body["checks"]["beat"]


def test_a_recent_beat_heartbeat_is_ok_and_each_run_moves_it(settings):
    settings.BEAT_STALE_SECONDS = 180
    Heartbeat.objects.create(name=health.BEAT, at=timezone.now() - timedelta(seconds=170))
    assert health.check_beat() == "ok"
    beat_heartbeat()
    assert (timezone.now() - Heartbeat.objects.get(name=health.BEAT).at).total_seconds() < 5


def test_a_beat_that_never_ran_is_not_running_without_redis_and_down_with_it(settings):
    settings.REDIS_URL = ""
    assert health.check_beat() == "not running"
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    with pytest.raises(health.Down, match="no run recorded"):
        health.check_beat()


def test_the_readiness_verdict_is_reused_within_the_window_and_refreshed_after(client, settings, monkeypatch):
    settings.READINESS_CACHE_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    runs = []
    monkeypatch.setitem(health.CHECKS, "beat", lambda: runs.append(1) or "ok")

    for _ in range(50):
        assert client.get(READY).status_code == 200
    assert len(runs) == 1
    now[0] += 4.9
    client.get(READY)
    assert len(runs) == 1
    now[0] += 0.2
    client.get(READY)
    assert len(runs) == 2


def test_while_one_thread_checks_the_others_get_the_last_verdict_instead_of_piling_up(settings, monkeypatch):
    settings.READINESS_CACHE_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    monkeypatch.setitem(health.CHECKS, "beat", lambda: "ok")
    last = health.verdict.get()
    now[0] += 60  # stale: the next caller would check
    monkeypatch.setitem(health.CHECKS, "database", _fail(AssertionError("checked twice at once")))
    with health.verdict.lock:  # another thread is in the middle of a (slow) check
        assert health.verdict.get() is last


def test_a_cached_readiness_verdict_takes_no_query(client, django_assert_num_queries):
    client.get(READY)
    with django_assert_num_queries(0):
        assert client.get(READY).status_code == 200


def test_a_cached_degraded_verdict_is_what_the_next_probes_see(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "cache", _fail(ConnectionError("down")))
    assert client.get(READY).json()["status"] == "degraded"
    monkeypatch.setitem(health.CHECKS, "cache", lambda: "ok")
    assert client.get(READY).json()["status"] == "degraded"  # until the window ends


def test_readiness_answers_over_plain_http_in_production(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(READY).status_code in (200, 503)
    assert client.get("/health").status_code == 200


@requires_postgresql
def test_a_postgresql_connection_gives_up_connecting_after_seconds():
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5


@requires_redis
def test_readiness_checks_the_real_redis_and_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    beat_heartbeat()
    response = client.get(READY)
    assert response.status_code == 200
    body = response.json()
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", "beat": "ok"}
    assert body["status"] == "ok"


@requires_redis
def test_readiness_is_degraded_when_the_real_redis_is_unreachable(client, settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    beat_heartbeat()
    response = client.get(READY)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["down"] == ["cache", "broker"]


@requires_redis
def test_the_redis_cache_reuses_one_client_per_pool(settings):
    from django.core.cache import cache

    cache.set("reuse-check", 1)
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first
    assert cache.get("reuse-check") == 1
