"""`make bench`'s sweeps part (scripts/bench_sweeps.py) measures sweeps that did their whole job: a tiny run
(30 rows each) expires every hold, frees every seat and queues every notice, reminds every session once and
queues its notices, tells both sides of each, and cleans up after itself; and its checks do catch a sweep
that breaks an invariant.

PostgreSQL and Redis only, as the benchmark itself (SKIP LOCKED, the exclusion constraint, a real queue).
"""

import importlib.util
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from mentorhub.testing import ROOT, database_url, requires_postgresql, requires_redis
from notifications.models import Reminder

pytestmark = [pytest.mark.django_db(transaction=True), requires_postgresql, requires_redis]

ROWS = 30


def _bench_sweeps():
    sys.path.insert(0, str(ROOT / "scripts"))  # it imports scripts/bench.py as `bench`
    spec = importlib.util.spec_from_file_location("bench_sweeps", ROOT / "scripts" / "bench_sweeps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_tiny_sweeps_bench_run_expires_every_hold_and_reminds_every_session_with_seats_kept_consistent(tmp_path):
    figures = tmp_path / "sweeps.json"
    env = {**os.environ, "DATABASE_URL": database_url(), "BENCH_SWEEP_ROWS": str(ROWS), "BENCH_JSON": str(figures)}
    run = subprocess.run([sys.executable, "scripts/bench_sweeps.py"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    table = [line for line in run.stdout.splitlines() if line.startswith("| ")]
    assert table[0] == "| sweep | rows | wall s | rows/s | RSS before → peak MiB | verified |"
    assert [line.split(" | ")[-1] for line in table[1:]] == ["yes |", "yes |", "yes |"]
    expiry, reminders, delivery = json.loads(figures.read_text())["sweeps"]
    assert expiry["processed"] == ROWS and expiry["checks"] == {
        "bookings": ROWS, "expired": ROWS, "audit_rows": ROWS, "slots_with_wrong_seats": 0, "seats_taken": 0,
        "notices_queued": ROWS, "notices_queued_twice": 0, "ok": True}
    assert reminders["processed"] == ROWS and reminders["checks"] == {
        "bookings": ROWS, "still_scheduled": ROWS, "hour_reminders": ROWS, "day_reminders": 0,
        "reminded_bookings": ROWS, "notices_queued": ROWS, "notices_queued_twice": 0, "slots_with_wrong_seats": 0,
        "ok": True}
    assert delivery["processed"] == 2 * ROWS and delivery["checks"] == {
        "reminders": ROWS, "notices": 2 * ROWS, "undelivered": 0, "ok": True}
    for sweep in (expiry, reminders):
        assert sweep["seconds"] > 0 and 0 < sweep["rss_before_mib"] <= sweep["rss_peak_mib"]
    # It leaves nothing behind: no bench people, bookings or slots, and no queue on the broker.
    assert not User.objects.filter(email__endswith="@sweeps.bench.mentorhub.local").exists()
    assert not Booking.objects.exists()
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert not [*broker.scan_iter(match="bench-sweeps-*"), *broker.scan_iter(match="_kombu.binding.bench-sweeps-*")]


def test_the_sweeps_bench_checks_fail_when_a_sweep_leaves_seats_taken_or_notices_unqueued_or_unsent():
    bench_sweeps = _bench_sweeps()
    now = timezone.now()
    people = bench_sweeps.seed_people(ROWS)
    bench_sweeps.seed_overdue_holds(people, ROWS, now=now)
    bench_sweeps.seed_due_reminders(people, ROWS, now=now)
    holds, sessions = bench_sweeps.expiry_rows(now), bench_sweeps.reminder_rows(now)
    assert holds.count() == sessions.count() == ROWS
    # As seeded, every seat is held by a live booking: nothing is off yet.
    assert bench_sweeps.check_expiry(ROWS, now=now, queue="no-such-queue")["slots_with_wrong_seats"] == 0
    assert bench_sweeps.check_reminders(ROWS, now=now, queue="no-such-queue")["slots_with_wrong_seats"] == 0

    # A broken expiry: statuses changed, but no seat given back, no audit row, no notice queued.
    holds.update(status=Booking.Status.EXPIRED, hold_expires_at=None)
    checks = bench_sweeps.check_expiry(ROWS, now=now, queue="no-such-queue")
    assert checks["expired"] == ROWS and not checks["ok"]
    assert (checks["slots_with_wrong_seats"], checks["seats_taken"], checks["audit_rows"],
            checks["notices_queued"]) == (ROWS, ROWS, 0, 0)

    # A broken reminder sweep: reminders recorded, nobody told (no notice task queued, none delivered).
    recorded = Reminder.objects.bulk_create(Reminder(booking=booking, kind=Reminder.Kind.HOUR_BEFORE,
                                                     slot_start=booking.slot.start, sent_at=now)
                                            for booking in sessions.select_related("slot"))
    checks = bench_sweeps.check_reminders(ROWS, now=now, queue="no-such-queue")
    assert checks["hour_reminders"] == ROWS and checks["notices_queued"] == 0 and not checks["ok"]
    checks = bench_sweeps.check_delivery([reminder.pk for reminder in recorded])
    assert checks["notices"] == 0 and not checks["ok"]

    # Every hold was due, and every session is due its 1-hour reminder only.
    assert not holds.filter(slot__start__lte=now + timedelta(days=1)).exists()
    assert all(now < start <= now + timedelta(hours=1) for start in sessions.values_list("slot__start", flat=True))
