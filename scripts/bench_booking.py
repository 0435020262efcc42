"""`make bench`, booking part: holds under contention, a busy mentor's bookable times, a long history.

Runs against the app as production runs it (the same gunicorn, 2 workers, settings and database as
scripts/bench.py, which starts this after the HTTP part), with data it adds to the bench data set:

- **Holds under contention**: each round publishes 10 one-seat slots and 32 mentees (JWT) send their hold
  at the same moment (a barrier), three or four to a slot. Every round must end with exactly 10 bookings
  and 22 clean refusals (409); the figure is the slowest of the 32 answers. Round 1 is the cold one: the
  workers have served nothing booking-related yet.
- **Bookable times**: `GET mentors/{id}/availability` over 62 days for a mentor with 500 bookings in
  them, one request at a time (median and p95 of the wall time on loopback).
- **A mentee with 1,000 bookings**: their session list (`GET sessions`, first page) and their home screen
  (`GET dashboard`, the statistics), one request at a time.

    python scripts/bench_booking.py   # normally via `make bench`; BENCH_HOLD_ROUNDS (5), BENCH_SAMPLES (40)
"""

import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402  (scripts/bench.py: the same server, environment and helpers)

HOLD_ROUNDS = int(os.environ.get("BENCH_HOLD_ROUNDS", "5"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "40"))
CLIENTS, SLOTS = 32, 10
EMAIL = "bench-booker-{}@bench.mentorhub.local"


def setup_django(env: dict) -> None:
    os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                                 "SECURE_SSL_REDIRECT", "PAYMENTS_OFFLINE_ALLOWED")})
    import django

    django.setup()


def mentees(count: int) -> list:
    from accounts.models import User

    return [User.objects.get_or_create(email=EMAIL.format(n), defaults={"full_name": f"Booker {n}"})[0]
            for n in range(count)]


def token(user) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    return str(AccessToken.for_user(user))


def bench_mentor(offset: int):
    """A seeded bench mentor that books at once (no confirmation) and needs no notice."""
    from mentors.models import MentorProfile

    mentor = (MentorProfile.objects.filter(user__email__endswith="@bench.mentorhub.local",
                                           status=MentorProfile.Status.APPROVED).order_by("pk")[offset])
    MentorProfile.objects.filter(pk=mentor.pk).update(requires_confirmation=False, min_notice_minutes=0)
    mentor.refresh_from_db()
    return mentor


def call(url: str, *, bearer: str, body: dict | None = None) -> tuple[int, float]:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def first_free_day(mentor):
    """A day after every slot ``mentor`` has, so a rerun of the benchmark finds its hours free again."""
    from django.db.models import Max
    from django.utils import timezone

    from mentors.models import Slot

    latest = Slot.objects.filter(mentor=mentor).aggregate(latest=Max("start"))["latest"]
    day = max(timezone.now() + timedelta(days=400), (latest or timezone.now()) + timedelta(days=1))
    return day.replace(hour=9, minute=0, second=0, microsecond=0)


def holds_round(base: str, mentor, tokens: list[str], first_day, day: int) -> dict:
    from bookings.models import Booking
    from mentors.models import Slot

    start = first_day + timedelta(days=day)
    slots = Slot.objects.bulk_create(
        Slot(mentor=mentor, start=start + timedelta(hours=n), end=start + timedelta(hours=n, minutes=30), capacity=1)
        for n in range(SLOTS))
    barrier = threading.Barrier(CLIENTS)
    answers = [None] * CLIENTS

    def send(n: int) -> None:
        barrier.wait()
        answers[n] = call(f"{base}/api/v1/booking/hold", bearer=tokens[n], body={"slotId": str(slots[n % SLOTS].pk)})

    threads = [threading.Thread(target=send, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = [status for status, _ in answers]
    live = Booking.objects.filter(slot__in=slots, status__in=["requested", "scheduled"]).count()
    return {"bookings": live, "created": statuses.count(201), "refused": statuses.count(409),
            "other": len([s for s in statuses if s not in (201, 409)]),
            "slowest_ms": max(ms for _, ms in answers), "median_ms": statistics.median(ms for _, ms in answers)}


def busy_mentor(mentor, booker, count: int = 500) -> None:
    """``count`` scheduled bookings inside the next 62 days of ``mentor``'s hours (idempotent)."""
    from django.utils import timezone

    from bookings.models import Booking
    from mentors.models import Slot

    have = Booking.objects.filter(slot__mentor=mentor, status="scheduled").count()
    if have >= count:
        return
    first = (timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    # Eight 30-minute seats a day, 10:00 to 14:00, over 62 days: 496 a day-pattern, topped up at 14:00.
    starts = [first + timedelta(days=day, minutes=30 * n) for day in range(62) for n in range(9)][:count - have]
    slots = Slot.objects.bulk_create(Slot(mentor=mentor, start=s, end=s + timedelta(minutes=30), capacity=1,
                                          seats_taken=1) for s in starts)
    Booking.objects.bulk_create(Booking(slot=slot, mentee=booker, price=0, currency=mentor.currency,
                                        status="scheduled", payment_status="not_required") for slot in slots)


def long_history(mentee, mentors: list, count: int = 1000) -> None:
    """``count`` bookings of ``mentee`` across ``mentors``, most in the past, a few ahead (idempotent)."""
    from django.utils import timezone

    from bookings.models import Booking
    from mentors.models import Slot

    have = Booking.objects.filter(mentee=mentee).count()
    if have >= count:
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    plan = [(now - timedelta(days=n // 3, hours=3 * (n % 3) + 1), "completed") for n in range(count - have - 20)]
    plan += [(now + timedelta(days=200 + n), "scheduled") for n in range(20)]
    slots = Slot.objects.bulk_create(
        Slot(mentor=mentors[n % len(mentors)], start=s, end=s + timedelta(hours=1), capacity=1,
             seats_taken=1 if status == "scheduled" else 0) for n, (s, status) in enumerate(plan))
    Booking.objects.bulk_create(Booking(slot=slot, mentee=mentee, price=5000, currency="USD", status=status,
                                        payment_status="paid") for slot, (_, status) in zip(slots, plan, strict=True))


def timed(url: str, bearer: str, access_log: Path) -> dict:
    """Wall time at the client and server time (gunicorn's own measure, from its access log) of SAMPLES calls."""
    call(url, bearer=bearer)  # warm
    path = urllib.parse.urlsplit(url).path
    before = len(bench.server_times_ms(access_log, path))
    times = []
    for _ in range(SAMPLES):
        status, ms = call(url, bearer=bearer)
        assert status == 200, f"{url} answered {status}"
        times.append(ms)
    times.sort()
    served = []
    for _ in range(50):  # gunicorn writes each line after answering: wait for the last few
        served = sorted(bench.server_times_ms(access_log, path)[before:])
        if len(served) >= SAMPLES:
            break
        time.sleep(0.1)
    return {"median_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95) - 1],
            "server_median_ms": statistics.median(served), "server_p95_ms": served[int(len(served) * 0.95) - 1]}


def main() -> int:
    env = {**bench.server_env(), "LOG_LEVEL": "ERROR"}  # not a "Conflict" line per refused hold
    setup_django(env)
    from django.db import connection

    base = bench.BASE
    people = mentees(CLIENTS + 2)
    hold_mentor, busy, *history_mentors = [bench_mentor(n) for n in range(5)]
    busy_mentor(busy, people[-1])
    long_history(people[-2], history_mentors)
    connection.close()

    access_log = Path(tempfile.mkdtemp(prefix="bench-booking-")) / "access.log"
    server = bench.gunicorn("mentorhub.wsgi:application", bench.PORT, cwd=ROOT, env=env, access_log=access_log)
    try:
        bench.wait_until_up(server, f"{base}/health")
        tokens = [token(user) for user in people[:CLIENTS]]
        first_day = first_free_day(hold_mentor)
        rounds = [holds_round(base, hold_mentor, tokens, first_day, day) for day in range(HOLD_ROUNDS)]
        today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400))
        last = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 62 * 86400))
        anyone = token(people[0])
        availability = timed(f"{base}/api/v1/mentors/{busy.pk}/availability?from={today}&to={last}", anyone,
                             access_log)
        history_token = token(people[-2])
        sessions = timed(f"{base}/api/v1/sessions", history_token, access_log)
        dashboard = timed(f"{base}/api/v1/dashboard", history_token, access_log)
    finally:
        bench.stop(server)

    bench.say("\nHolds under contention: 32 clients at once on 10 one-seat slots, 2 gunicorn workers")
    bench.say("| round | bookings | 201 | 409 | other | median ms | slowest ms |\n|---:|---:|---:|---:|---:|---:|---:|")
    for number, r in enumerate(rounds, 1):
        bench.say(f"| {number}{' (cold)' if number == 1 else ''} | {r['bookings']} | {r['created']} | "
                  f"{r['refused']} | {r['other']} | {r['median_ms']:.0f} | {r['slowest_ms']:.0f} |")
    bench.say("\nOne request at a time (wall time at the client over loopback; server time from gunicorn's log):")
    bench.say("| request | median ms | p95 ms | server median ms | server p95 ms |\n|---|---:|---:|---:|---:|")
    for name, figures in (("bookable times, 62 days, mentor with 500 bookings", availability),
                          ("GET sessions, mentee with 1,000 bookings", sessions),
                          ("GET dashboard, mentee with 1,000 bookings", dashboard)):
        bench.say(f"| {name} | {figures['median_ms']:.1f} | {figures['p95_ms']:.1f} | "
                  f"{figures['server_median_ms']:.1f} | {figures['server_p95_ms']:.1f} |")
    oversold = [r for r in rounds if r["bookings"] != SLOTS or r["other"]]
    if oversold:
        bench.say(f"FAILED: rounds without exactly {SLOTS} bookings and clean refusals: {oversold}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
