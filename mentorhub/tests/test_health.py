import pytest
from django.db import OperationalError, connection

from mentorhub.testing import requires_redis

pytestmark = pytest.mark.django_db


def test_health_reports_every_dependency_up(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in ("ok", "in-process")


def test_health_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["database"]
    assert body["status"] == "unavailable"
    assert "connection refused" in body["checks"]["database"]


def test_health_is_503_naming_the_broker_when_redis_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@requires_redis
def test_health_checks_the_real_redis_broker_and_cache(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    body = client.get("/health").json()
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


@requires_redis
def test_the_redis_cache_reuses_one_client_per_pool(settings):
    from django.core.cache import cache

    cache.set("reuse-check", 1)
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first
    assert cache.get("reuse-check") == 1
