"""CPU per request of the bare view and of cached catalogue reads, in one process, through the WSGI app.

Answers "what does a cache hit cost the server itself?" without a network, a load generator or
another worker in the way: the production WSGI application (production settings, DEBUG off, the
same environment `make bench` gives its servers) is called directly, one request at a time, and
``time.process_time()`` is read around each batch. Targets:

- ``/api/bench/ok``, the app's bare DRF view (mounted by BENCH_ENDPOINTS=1, as in `make bench`);
- ``GET /api/v1/mentors?skill=python&min_price=1000``, a cached search (anonymous);
- ``GET /api/v1/mentors/{id}``, a cached mentor detail (anonymous).

Each round runs every target for PROFILE_REQUESTS requests, starting one target later than the
last round, and a batch that crossed a minute (when cached pages are rebuilt) is run again, so
every figure is of hits only; the table shows the best round per target, in µs of CPU per request,
and the database queries a request made (a hit makes none). ``--profile`` then runs cProfile over
one batch of each target and prints where the time went.

Environment: DATABASE_URL (PostgreSQL, as in `make bench`), REDIS_URL (the shared cache; without it
the per-process cache), PROFILE_MENTORS (300: seeded with `seed_bench`, idempotent), PROFILE_ROUNDS
(7), PROFILE_REQUESTS (400), PROFILE_SEED (1; 0 skips migrating and seeding).

    DATABASE_URL=postgres://... REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python scripts/profile_hits.py [--profile]
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bench import manage, server_env  # noqa: E402  (scripts/bench.py: the environment `make bench` serves with)

MENTORS = int(os.environ.get("PROFILE_MENTORS", "300"))
ROUNDS = max(1, int(os.environ.get("PROFILE_ROUNDS", "7")))
REQUESTS = max(1, int(os.environ.get("PROFILE_REQUESTS", "400")))
SEED = os.environ.get("PROFILE_SEED", "1") != "0"


def wsgi_environ(path: str, query: str = "") -> dict:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1", "HTTP_ACCEPT": "*/*", "HTTP_USER_AGENT": "profile_hits",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(application, path: str, query: str = "") -> tuple[str, bytes]:
    """One request as a WSGI server makes it: the status and the whole body, the response closed."""
    answered = []
    result = application(wsgi_environ(path, query), lambda status, headers, exc_info=None: answered.append(status))
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answered[0], body


def batch(application, target: tuple[str, str, str]) -> tuple[float, int] | None:
    """µs of CPU per request and queries per request over REQUESTS requests, or None if a minute rolled over."""
    from django.db import connection

    _, path, query = target
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    minute = int(time.time() // 60)
    with connection.execute_wrapper(count):
        started = time.process_time()
        for _ in range(REQUESTS):
            status, _ = call(application, path, query)
        spent = time.process_time() - started
    if not status.startswith("200"):
        sys.exit(f"{path}?{query} answered {status}.")
    if int(time.time() // 60) != minute:
        return None  # the batch crossed a minute: some requests rebuilt their page
    return spent / REQUESTS * 1e6, queries / REQUESTS


def main() -> None:
    env = server_env()
    if SEED:
        manage("migrate", "--noinput", "-v0", env=env)
        manage("seed_bench", f"--mentors={MENTORS}", env=env)
    os.environ.update(env)
    import django

    django.setup()
    from mentorhub.wsgi import application
    from mentors.models import MentorProfile

    listed = MentorProfile.objects.filter(user__email__endswith="@bench.mentorhub.local").order_by("pk")
    detail_id = listed.values_list("pk", flat=True)[listed.count() // 2]
    targets = [
        ("bare view /api/bench/ok", "/api/bench/ok", ""),
        ("search hit mentors?skill=python&min_price=1000", "/api/v1/mentors", "skill=python&min_price=1000"),
        (f"detail hit mentors/{detail_id}", f"/api/v1/mentors/{detail_id}", ""),
    ]
    best: dict[str, tuple[float, int]] = {}
    for number in range(ROUNDS):
        shift = number % len(targets)
        for target in targets[shift:] + targets[:shift]:
            while True:
                call(application, target[1], target[2])  # builds the page if this minute has none yet
                measured = batch(application, target)
                if measured is not None:
                    break
            if target[0] not in best or measured[0] < best[target[0]][0]:
                best[target[0]] = measured
    print(f"CPU per request, best of {ROUNDS} rounds of {REQUESTS} (one process, {MENTORS} mentors seeded):\n")
    print("| target | µs CPU per request | ratio to bare view | queries per request |")
    print("|---|---:|---:|---:|")
    bare = best[targets[0][0]][0]
    for name, _, _ in targets:
        micros, queries = best[name]
        print(f"| {name} | {micros:.0f} | {micros / bare:.2f} | {queries:g} |")
    if "--profile" in sys.argv:
        for name, path, query in targets:
            call(application, path, query)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(REQUESTS):
                call(application, path, query)
            profiler.disable()
            print(f"\n### {name}: cProfile over {REQUESTS} requests\n")
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
