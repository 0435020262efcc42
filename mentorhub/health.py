"""Two probes: ``GET /health`` (liveness) and ``GET /health/ready`` (readiness).

Liveness says only that this process answers: load balancers ask it thousands of times a second, so it
touches nothing (no database, cache, broker or session) and ``ProbeMiddleware`` answers it before the rest
of the middleware runs. Readiness checks the dependencies (database, Redis, broker, beat's last run), each
with a short timeout, and keeps its verdict in this process for ``READINESS_CACHE_SECONDS``, so a storm of
probes costs one check per window per process. Not in the Django cache: Redis may be what is down.

    ok           200  everything answers
    degraded     200  the database answers, Redis, the broker or beat does not (the data is there: stay in rotation)
    unavailable  503  the database does not
"""

import threading
import time
import uuid

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# Seconds a socket to Redis or the broker may take to connect or to answer, within one readiness check.
SOCKET_TIMEOUT = 1.0
clock = time.monotonic  # tests move it instead of sleeping


class Down(Exception):
    """A dependency answered, but not well enough (a stale heartbeat): the message is the whole story."""


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


_redis_clients: dict = {}


def check_cache() -> str:
    """Redis (cache, rate limits, channel layer) through a client of its own with short socket timeouts."""
    if not settings.REDIS_URL:
        return "in-process"  # local-memory cache: answers while this process does
    import redis

    client = _redis_clients.get(settings.REDIS_URL)
    if client is None:
        client = _redis_clients[settings.REDIS_URL] = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT)
    key = f"mentorhub:health:{uuid.uuid4().hex}"
    client.set(key, "1", ex=5)  # a write too: a full or read-only Redis answers PING but not the throttles
    if client.get(key) != b"1":
        raise Down("a value written to Redis could not be read back")
    client.delete(key)
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.REDIS_URL:
        return "in-process"
    from mentorhub.celery import app

    options = {"socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": SOCKET_TIMEOUT}
    with app.connection_for_write(url=settings.CELERY_BROKER_URL, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2 * SOCKET_TIMEOUT)
    return "ok"


BEAT = "beat"


def beat_run_record() -> None:
    """Note that beat's heartbeat ran now (one upsert)."""
    from mentorhub.models import Heartbeat

    Heartbeat.objects.bulk_create([Heartbeat(name=BEAT, at=timezone.now())], update_conflicts=True,
                                  unique_fields=["name"], update_fields=["at"])


def check_beat() -> str:
    """Beat's heartbeat task ran within ``BEAT_STALE_SECONDS``: beat schedules and a worker takes the sweeps.

    Never run at all is "not running" (no failure) in the embedded default, where only `make run` starts
    a beat; with Redis a deployment runs one, so its absence is a failure.
    """
    from mentorhub.models import Heartbeat

    last = Heartbeat.objects.filter(name=BEAT).values_list("at", flat=True).first()
    if last is None:
        if settings.REDIS_URL:
            raise Down("no run recorded: is `celery -A mentorhub beat` running, and a worker?")
        return "not running"
    age = (timezone.now() - last).total_seconds()
    if age > settings.BEAT_STALE_SECONDS:
        raise Down(f"stale: last run {age:.0f} s ago, expected within {settings.BEAT_STALE_SECONDS} s")
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "beat": check_beat}
NEEDS_DATABASE = {"beat"}


def run_checks() -> tuple[dict, int]:
    results, down = {}, []
    for name, check in CHECKS.items():
        if name in NEEDS_DATABASE and "database" in down:
            results[name] = "unknown: the database is down"
            continue
        try:
            results[name] = check()
        except Down as exc:
            results[name] = f"down: {exc}"[:300]
            down.append(name)
        except Exception as exc:  # any failure means "down", whatever the driver raised
            results[name] = f"down: {exc.__class__.__name__}: {exc}"[:300]
            down.append(name)
    status = "unavailable" if "database" in down else "degraded" if down else "ok"
    body = {"status": status, "checks": results, "down": down,
            "checked_at": timezone.now().isoformat(timespec="seconds")}
    return body, 503 if status == "unavailable" else 200


class _Verdict:
    """This process's last readiness verdict; one thread checks at a time, the others reuse the last one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.result: tuple[dict, int] | None = None
        self.checked = 0.0

    def fresh(self) -> bool:
        return self.result is not None and clock() - self.checked < settings.READINESS_CACHE_SECONDS

    def get(self) -> tuple[dict, int]:
        if self.fresh():
            return self.result
        # Someone is checking already: the last verdict will do until theirs is in (no pile-up on a slow check).
        if not self.lock.acquire(blocking=self.result is None):
            return self.result
        try:
            if not self.fresh():
                self.result, self.checked = run_checks(), clock()
            return self.result
        finally:
            self.lock.release()

    def forget(self) -> None:
        self.result = None


verdict = _Verdict()


@never_cache
@require_safe
def live(request):
    """Liveness: this process answers. Nothing else is looked at."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request):
    """Readiness: the dependencies, checked at most once per ``READINESS_CACHE_SECONDS`` in this process."""
    body, status = verdict.get()
    return JsonResponse(body, status=status)


PROBES = {"/health": live, "/health/ready": ready}


class ProbeMiddleware:
    """Answers the two probes before sessions, authentication, CSRF, messages and the rest look at them.

    Placed after SecurityMiddleware (the plain-HTTP redirect exempts the probes; its headers still apply)
    and the body-size limit. Host validation is skipped as well: a probe by the instance's address gets
    its answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        return probe(request) if probe is not None else self.get_response(request)
