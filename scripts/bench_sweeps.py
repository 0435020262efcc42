"""`make bench`, sweeps part: the expiry and reminder sweeps over many due rows (issue 15: 100,000 each).

Runs the two beat sweeps in this process, on the database in DATABASE_URL (PostgreSQL only), over rows it
seeds in bulk under its own users (``@sweeps.bench.mentorhub.local``; the previous run's are wiped first,
and this run's at the end):

- **Expiry**: BENCH_SWEEP_ROWS (100,000) requests whose hold ran out a while ago, each holding the one
  seat of a future slot, spread over one mentor per ten rows (so no mentor's live slots overlap), then
  ``bookings.services.booking_expire_overdue``. Verified afterwards: every one expired with its audit row,
  every slot's ``seats_taken`` equal to its live bookings (none), and each booking's notice queued once.
- **Reminders**: as many paid scheduled bookings, ten to a group slot, starting 45-54 minutes from now so
  the 1-hour reminder is due, then ``bookings.reminders.reminders_send_due``. Verified afterwards: one
  1-hour reminder per booking, each queued once for its notices, the seats untouched.
- **Delivery**: the worker's half of the reminder sweep, ``reminder_notices_send``, run in this process on
  the first BENCH_DELIVERY_BATCHES (10) tasks the sweep queued: a notice to each side, pushed on the
  channel layer and mailed. Verified: two notices per reminder, all delivered.

Each sweep is timed alone: the notice tasks a sweep queues go to a Redis queue of this run's own (no worker
reads it; it is counted, then deleted), so delivering them is not part of the sweep's figure (delivery has
its own), which is why REDIS_URL is required. E-mails are rendered but not sent (Django's dummy backend).
Memory: the process's VmRSS before the sweep, its peak during it (VmHWM, reset just before) and samples
every 50 ms from a thread; a sweep that works in bounded batches keeps the peak near the start.

    python scripts/bench_sweeps.py   # normally `BENCH_ONLY=sweeps make bench`; BENCH_SWEEP_ROWS, BENCH_JSON
"""

import base64
import gc
import json
import math
import os
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402  (scripts/bench.py: the environment and helpers)

ROWS = int(os.environ.get("BENCH_SWEEP_ROWS", "100000"))
DOMAIN = "@sweeps.bench.mentorhub.local"  # not "@bench.mentorhub.local": seed_bench counts those
PER_MENTOR = 10  # rows per mentor: ten one-seat slots an hour apart, or one group slot of ten seats
MAX_MENTEES = 1000
CHUNK = 5000  # rows per bulk insert and per transaction while seeding
EXPIRY_DAYS_AHEAD = 30  # the held slots' day: far from the reminder slots of the same mentors
DELIVERY_BATCHES = int(os.environ.get("BENCH_DELIVERY_BATCHES", "10"))  # reminder tasks run to time delivery


def refusal() -> str | None:
    """Why this benchmark cannot run in this environment, or None."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return ("The sweeps benchmark needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite takes one writer "
                "at a time and has no SKIP LOCKED; the target is defined on PostgreSQL).")
    if not os.environ.get("REDIS_URL"):
        return ("The sweeps benchmark needs Redis: set REDIS_URL=redis://... Without a broker the notice tasks "
                "a sweep queues would run in this process and be timed with it.")
    return None


def setup_django(queue: str) -> None:
    env = {**bench.server_env(), "LOG_LEVEL": "ERROR", "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_QUEUE": queue,
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                                 "SECURE_SSL_REDIRECT", "PAYMENTS_OFFLINE_ALLOWED", "LOG_LEVEL",
                                                 "CELERY_TASK_ALWAYS_EAGER", "CELERY_QUEUE", "EMAIL_BACKEND")})
    import django

    django.setup()


# --- The bench's people -------------------------------------------------------------------------------


@dataclass
class People:
    mentor_ids: list[int]  # MentorProfile ids
    mentee_ids: list[int]  # User ids


def wipe() -> None:
    """Delete every row of earlier runs, dependants first (raw deletes: 200,000 bookings, no per-row signals)."""
    from accounts.models import User
    from bookings.models import Booking, BookingEvent
    from mentors.models import MentorProfile, Slot
    from notifications.models import Notification, Reminder

    users = User.objects.filter(email__endswith=DOMAIN)
    bookings = Booking.objects.filter(slot__mentor__user__in=users)
    for queryset in (Notification.objects.filter(user__in=users), Reminder.objects.filter(booking__in=bookings),
                     BookingEvent.objects.filter(booking__in=bookings), bookings,
                     Slot.objects.filter(mentor__user__in=users)):
        queryset._raw_delete(queryset.db)
    MentorProfile.objects.filter(user__in=users).delete()
    users.delete()


def seed_people(rows: int) -> People:
    """One approved mentor per PER_MENTOR rows, and up to MAX_MENTEES mentees (at least PER_MENTOR)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import User
    from mentors.models import MentorProfile

    password = make_password(None)  # unusable; hashed once
    mentors = max(1, math.ceil(rows / PER_MENTOR))
    mentees = max(PER_MENTOR, min(rows, MAX_MENTEES))
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(email=f"sweep-mentor-{n}{DOMAIN}", full_name=f"Sweep Mentor {n}", role=User.Role.MENTOR,
                  password=password) for n in range(mentors)], batch_size=CHUNK)
        profiles = MentorProfile.objects.bulk_create(
            [MentorProfile(user=user, title="Bench mentor", price_per_hour=50, min_notice_minutes=0,
                           status=MentorProfile.Status.APPROVED) for user in users], batch_size=CHUNK)
        students = User.objects.bulk_create(
            [User(email=f"sweep-mentee-{n}{DOMAIN}", full_name=f"Sweep Mentee {n}", password=password)
             for n in range(mentees)], batch_size=CHUNK)
    return People(mentor_ids=[p.pk for p in profiles], mentee_ids=[u.pk for u in students])


def _bench_bookings():
    from bookings.models import Booking

    return Booking.objects.filter(slot__mentor__user__email__endswith=DOMAIN)


def expiry_rows(now: datetime):
    return _bench_bookings().filter(slot__start__gte=now + timedelta(days=EXPIRY_DAYS_AHEAD - 1))


def reminder_rows(now: datetime):
    return _bench_bookings().filter(slot__start__lt=now + timedelta(days=1))


# --- Seeding --------------------------------------------------------------------------------------------


def seed_overdue_holds(people: People, rows: int, *, now: datetime) -> None:
    """``rows`` requests whose hold ran out 1-60 minutes before ``now``, each in the one seat of a future slot.

    Row i belongs to mentor i % M, in its slot number i // M: a mentor's slots are an hour apart, so no two
    of its live slots overlap (the PostgreSQL exclusion constraint)."""
    from django.db import transaction

    from bookings.models import Booking
    from mentors.currencies import DEFAULT_CURRENCY
    from mentors.models import Slot

    first = (now + timedelta(days=EXPIRY_DAYS_AHEAD)).replace(minute=0, second=0, microsecond=0)
    mentors, mentees = people.mentor_ids, people.mentee_ids
    for chunk in range(0, rows, CHUNK):
        numbers = range(chunk, min(chunk + CHUNK, rows))
        with transaction.atomic():
            slots = Slot.objects.bulk_create([
                Slot(mentor_id=mentors[i % len(mentors)], start=first + timedelta(hours=i // len(mentors)),
                     end=first + timedelta(hours=i // len(mentors), minutes=30), capacity=1, seats_taken=1)
                for i in numbers])
            Booking.objects.bulk_create([
                Booking(slot=slot, mentee_id=mentees[i % len(mentees)], status=Booking.Status.REQUESTED, price=0,
                        currency=DEFAULT_CURRENCY, payment_status=Booking.PaymentStatus.NOT_REQUIRED,
                        hold_expires_at=now - timedelta(minutes=1 + i % 60), topic="Bench request")
                for i, slot in zip(numbers, slots, strict=True)])


def seed_due_reminders(people: People, rows: int, *, now: datetime) -> None:
    """``rows`` paid scheduled bookings, PER_MENTOR to a group slot of one mentor, starting 45-54 minutes
    after ``now``: the 1-hour reminder is due for every one, the 24-hour one for none."""
    from django.db import transaction

    from bookings.models import Booking
    from mentors.currencies import DEFAULT_CURRENCY
    from mentors.models import Slot

    mentees = people.mentee_ids
    slot_count = math.ceil(rows / PER_MENTOR)
    per_chunk = CHUNK // PER_MENTOR
    for chunk in range(0, slot_count, per_chunk):
        numbers = range(chunk, min(chunk + per_chunk, slot_count))
        seats = {s: min(PER_MENTOR, rows - s * PER_MENTOR) for s in numbers}
        with transaction.atomic():
            slots = Slot.objects.bulk_create([
                Slot(mentor_id=people.mentor_ids[s], start=now + timedelta(minutes=45 + s % 10),
                     end=now + timedelta(minutes=105 + s % 10), capacity=PER_MENTOR, seats_taken=seats[s])
                for s in numbers])
            # Row i = s * PER_MENTOR + seat: consecutive rows, so a slot's mentees are all different.
            Booking.objects.bulk_create([
                Booking(slot=slot, mentee_id=mentees[(s * PER_MENTOR + seat) % len(mentees)],
                        status=Booking.Status.SCHEDULED, price=50, currency=DEFAULT_CURRENCY,
                        payment_status=Booking.PaymentStatus.PAID, topic="Bench session")
                for s, slot in zip(numbers, slots, strict=True) for seat in range(seats[s])])


def analyze() -> None:
    """Fresh planner statistics after a bulk seed, and the previous run's deleted rows cleared from tables and
    indexes, as autovacuum would give a real database soon after (without the VACUUM, the same sweep measured
    31.5 s or 38 s depending on how many runs came before it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE bookings_booking, bookings_bookingevent, mentors_slot, notifications_reminder, "
                       "notifications_notification")


# --- Measuring ------------------------------------------------------------------------------------------


def _status_kib(name: str) -> int:
    return int(re.search(rf"^{name}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))


def _reset_peak() -> bool:
    """Make VmHWM (the peak RSS) start again from the current RSS (Linux 4.0+), so it is the sweep's own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class Run:
    processed: int = 0
    seconds: float = 0.0
    rss_before_mib: float = 0.0
    rss_peak_mib: float = 0.0
    rss_after_mib: float = 0.0
    rss_samples_mib: list = field(default_factory=list)  # one a second, for the JSON


def measure(sweep) -> Run:
    """Run ``sweep()`` (returning how many rows it handled) and time it, sampling VmRSS every 50 ms."""
    gc.collect()
    peak_reset = _reset_peak()
    run = Run(rss_before_mib=_status_kib("VmRSS") / 1024)
    samples, done = [], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            samples.append(_status_kib("VmRSS"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        run.processed = sweep()
    finally:
        run.seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    run.rss_after_mib = _status_kib("VmRSS") / 1024
    peak = max([*samples, _status_kib("VmRSS")])
    if peak_reset:
        peak = max(peak, _status_kib("VmHWM"))
    run.rss_peak_mib = peak / 1024
    run.rss_samples_mib = [round(kib / 1024, 1) for kib in samples[::20]]
    return run


# --- The queue the notice tasks go to --------------------------------------------------------------------


def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def _queue_keys(client, queue: str) -> list[bytes]:
    # kombu's Redis transport keeps a queue as a list per priority step: the name, then name + "\x06\x16" + step.
    name, steps = queue.encode(), f"{queue}\x06\x16".encode()
    return [key for key in client.scan_iter(match=f"{queue}*") if key == name or key.startswith(steps)]


def queued_tasks(queue: str) -> list[tuple[str, list]]:
    """(task name, args) of every message waiting on ``queue``."""
    client = _redis()
    tasks = []
    for key in _queue_keys(client, queue):
        for raw in client.lrange(key, 0, -1):
            message = json.loads(raw)
            body = message["body"]
            if message.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            args, _kwargs, _embed = json.loads(body)
            tasks.append((message["headers"]["task"], args))
    return tasks


def drop_queue(queue: str) -> None:
    client = _redis()
    keys = _queue_keys(client, queue)
    client.delete(*keys, f"_kombu.binding.{queue}")


# --- Verifying ------------------------------------------------------------------------------------------


def _seats_off(bookings) -> int:
    """How many of these bookings' slots have seats_taken different from their live bookings."""
    from django.db.models import Count, F, Q

    from bookings.models import Booking
    from mentors.models import Slot

    return (Slot.objects.filter(pk__in=bookings.values("slot_id"))
            .annotate(live=Count("bookings", filter=Q(bookings__status__in=Booking.LIVE)))
            .exclude(seats_taken=F("live")).count())


def check_expiry(rows: int, *, now: datetime, queue: str) -> dict:
    """What the expiry sweep left: the figures, and ``ok`` when every invariant holds."""
    from bookings.models import Booking, BookingEvent

    holds = expiry_rows(now)
    ids = set(holds.values_list("pk", flat=True))
    noticed: dict[int, int] = {}
    for name, args in queued_tasks(queue):
        if name == "bookings.tasks.notify_bookings_changed":
            for booking_id, source, target, _event in args[0]:
                if booking_id in ids and (source, target) == ("requested", "expired"):
                    noticed[booking_id] = noticed.get(booking_id, 0) + 1
    figures = {
        "bookings": len(ids),
        "expired": holds.filter(status=Booking.Status.EXPIRED, hold_expires_at__isnull=True).count(),
        "audit_rows": BookingEvent.objects.filter(booking__in=holds, from_status="requested",
                                                  to_status="expired").count(),
        "slots_with_wrong_seats": _seats_off(holds),
        "seats_taken": sum(holds.values_list("slot__seats_taken", flat=True)),
        "notices_queued": len(noticed),
        "notices_queued_twice": sum(1 for count in noticed.values() if count > 1),
    }
    figures["ok"] = (figures["bookings"] == figures["expired"] == figures["audit_rows"] == figures["notices_queued"]
                     == rows and figures["slots_with_wrong_seats"] == figures["seats_taken"]
                     == figures["notices_queued_twice"] == 0)
    return figures


def _queued_reminders(queue: str) -> list[list[int]]:
    """The reminder ids of each ``send_reminder_notices`` task waiting on ``queue`` (one task per batch)."""
    return [args[0] for name, args in queued_tasks(queue) if name == "bookings.tasks.send_reminder_notices"]


def check_reminders(rows: int, *, now: datetime, queue: str) -> dict:
    """What the reminder sweep left: the figures, and ``ok`` when every invariant holds."""
    from bookings.models import Booking
    from notifications.models import Reminder

    sessions = reminder_rows(now)
    ours = set(Reminder.objects.filter(booking__in=sessions).values_list("pk", flat=True))
    queued: dict[int, int] = {}
    for batch in _queued_reminders(queue):
        for reminder_id in batch:
            if reminder_id in ours:
                queued[reminder_id] = queued.get(reminder_id, 0) + 1
    figures = {
        "bookings": sessions.count(),
        "still_scheduled": sessions.filter(status=Booking.Status.SCHEDULED).count(),
        "hour_reminders": Reminder.objects.filter(booking__in=sessions, kind=Reminder.Kind.HOUR_BEFORE).count(),
        "day_reminders": Reminder.objects.filter(booking__in=sessions, kind=Reminder.Kind.DAY_BEFORE).count(),
        "reminded_bookings": sessions.filter(reminders__kind=Reminder.Kind.HOUR_BEFORE).distinct().count(),
        "notices_queued": len(queued),
        "notices_queued_twice": sum(1 for count in queued.values() if count > 1),
        "slots_with_wrong_seats": _seats_off(sessions),
    }
    figures["ok"] = (figures["bookings"] == figures["still_scheduled"] == figures["hour_reminders"]
                     == figures["reminded_bookings"] == figures["notices_queued"] == rows
                     and figures["day_reminders"] == figures["slots_with_wrong_seats"]
                     == figures["notices_queued_twice"] == 0)
    return figures


def check_delivery(reminder_ids: list[int]) -> dict:
    """What telling both sides of these reminders left: two notices each, every one delivered."""
    from notifications.models import Notification

    notices = Notification.objects.filter(key__in=[f"reminder:{pk}" for pk in reminder_ids])
    figures = {"reminders": len(reminder_ids), "notices": notices.count(),
               "undelivered": notices.filter(delivered_at__isnull=True).count()}
    figures["ok"] = figures["notices"] == 2 * len(reminder_ids) and figures["undelivered"] == 0
    return figures


# --- The two sweeps -------------------------------------------------------------------------------------


def bench_expiry(people: People, rows: int, *, queue: str) -> dict:
    from django.utils import timezone

    from bookings.services import booking_expire_overdue

    now = timezone.now()
    started = time.perf_counter()
    seed_overdue_holds(people, rows, now=now)
    analyze()
    seeded = time.perf_counter() - started
    run = measure(lambda: booking_expire_overdue(now=now))
    return {"sweep": "expire overdue holds", "rows": rows, "seed_seconds": seeded, **asdict(run),
            "checks": check_expiry(rows, now=now, queue=queue)}


def bench_reminders(people: People, rows: int, *, queue: str) -> dict:
    from django.utils import timezone

    from bookings.reminders import reminders_send_due

    now = timezone.now()
    started = time.perf_counter()
    seed_due_reminders(people, rows, now=now)
    analyze()
    seeded = time.perf_counter() - started
    run = measure(lambda: reminders_send_due(now=now))
    return {"sweep": "send due reminders (1 h): record them, queue their notices", "rows": rows,
            "seed_seconds": seeded, **asdict(run), "checks": check_reminders(rows, now=now, queue=queue)}


def bench_delivery(queue: str) -> dict:
    """The worker's half of the reminder sweep, timed on the first DELIVERY_BATCHES of its queued tasks."""
    from bookings.reminders import reminder_notices_send

    batches = _queued_reminders(queue)[:DELIVERY_BATCHES]
    ids = [pk for batch in batches for pk in batch]
    run = measure(lambda: sum(reminder_notices_send(reminder_ids=batch) for batch in batches))
    return {"sweep": f"tell both sides of {len(ids)} of them ({len(batches)} tasks, one worker)",
            "rows": len(ids), "seed_seconds": 0.0, **asdict(run), "checks": check_delivery(ids)}


def markdown(results: list[dict]) -> str:
    lines = ["| sweep | rows | wall s | rows/s | RSS before → peak MiB | verified |", "|---|---:|---:|---:|---|---|"]
    for r in results:
        rate = r["processed"] / r["seconds"] if r["seconds"] else 0.0
        lines.append(f"| {r['sweep']} | {r['processed']} | {r['seconds']:.1f} | {rate:.0f} | "
                     f"{r['rss_before_mib']:.0f} → {r['rss_peak_mib']:.0f} | {'yes' if r['checks']['ok'] else 'NO'} |")
    return "\n".join(lines)


def main() -> int:
    reason = refusal()
    if reason:
        bench.say(reason)
        return 2
    queue = f"bench-sweeps-{os.getpid()}"
    setup_django(queue)
    from django.conf import settings

    bench.say(f"Sweeps: seeding {ROWS} rows for each sweep (bulk, {CHUNK} a transaction)...")
    try:
        started = time.perf_counter()
        wipe()
        people = seed_people(ROWS)
        bench.say(f"  {len(people.mentor_ids)} mentors and {len(people.mentee_ids)} mentees in "
                  f"{time.perf_counter() - started:.1f} s")
        expiry = bench_expiry(people, ROWS, queue=queue)
        bench.say(f"  expiry: seeded in {expiry['seed_seconds']:.1f} s, swept in {expiry['seconds']:.1f} s")
        reminders = bench_reminders(people, ROWS, queue=queue)
        bench.say(f"  reminders: seeded in {reminders['seed_seconds']:.1f} s, swept in {reminders['seconds']:.1f} s")
        delivery = bench_delivery(queue)
        bench.say(f"  {delivery['sweep']}: {delivery['seconds']:.1f} s")
    finally:
        drop_queue(queue)
        wipe()
    results = [expiry, reminders, delivery]
    bench.say(f"\nThe beat sweeps, {ROWS} due rows each, in one process (batch size {settings.SWEEP_BATCH_SIZE}):")
    bench.say(markdown(results))
    for r in results:
        bench.say(f"  {r['sweep']}: {r['checks']}")
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(
            {"rows": ROWS, "batch_size": settings.SWEEP_BATCH_SIZE, "sweeps": results}, indent=2))
    failed = [r["sweep"] for r in results if not r["checks"]["ok"]]
    if failed:
        bench.say(f"FAILED: the invariants do not hold after: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
