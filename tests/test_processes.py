"""The guarantees that only hold across processes, proven with real ones on PostgreSQL and Redis.

Web servers (Gunicorn, Daphne), Celery workers and beat run as separate processes on the test database, as
they are deployed (`mentorhub/testing.py` starts them); the test process seeds rows through the ORM, acts over
HTTP, WebSockets or the broker, and reads the outcome from the database. docs/ARCHITECTURE.md, "Across
processes", says what each test proves and why it holds.
"""

import asyncio
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from bookings.models import Booking, BookingEvent
from mentorhub import ws_client
from mentorhub.testing import Celery, Daphne, Gunicorn, requires_postgresql, requires_redis, run_in_own_loop, servers
from mentors.models import MentorProfile, Slot
from notifications.models import Notification, Reminder

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, requires_postgresql, requires_redis]

WAIT_SECONDS = 90  # each waits seconds here; the margin is for a loaded machine
# Tasks by their beat entries: modules may move, the entries and the names they register stay.
EXPIRE_HOLDS = settings.CELERY_BEAT_SCHEDULE["expire-overdue-holds"]["task"]


def _people(prefix: str, count: int, role: str = User.Role.STUDENT) -> list[User]:
    return User.objects.bulk_create(
        User(email=f"{prefix}{n}@example.com", full_name=f"{prefix.title()} {n}", role=role, timezone="UTC")
        for n in range(count))


def _mentor(name: str, **profile) -> MentorProfile:
    [user] = _people(name, 1, role=User.Role.MENTOR)
    return MentorProfile.objects.create(user=user, title="Mentor", price_per_hour=0, status="approved",
                                        min_notice_minutes=0, **profile)


def _bookings(mentor: MentorProfile, mentee: User, starts: list, **booking) -> list[Booking]:
    """One booking per start, each in a one-seat slot of its own that it holds."""
    slots = Slot.objects.bulk_create(Slot(mentor=mentor, start=start, end=start + timedelta(minutes=5), capacity=1,
                                          seats_taken=1) for start in starts)
    return Booking.objects.bulk_create(Booking(slot=slot, mentee=mentee, price=0, currency="RUB",
                                               payment_status="not_required", **booking) for slot in slots)


def _overdue_holds(count: int) -> list[int]:
    mentor = _mentor("holder", requires_confirmation=True)
    [mentee] = _people("waiting", 1)
    first = timezone.now() + timedelta(days=3)
    held = _bookings(mentor, mentee, [first + timedelta(minutes=10 * n) for n in range(count)],
                     status="requested", hold_expires_at=timezone.now() - timedelta(minutes=1))
    return [booking.pk for booking in held]


def _wait_until(done, what: str, *logs: Celery) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"Not done within {WAIT_SECONDS} s: {what}\n" + "\n".join(log.output()[-3000:] for log in logs))
        time.sleep(0.25)


def _expired_exactly_once(booking_ids: list[int]) -> None:
    assert Booking.objects.filter(pk__in=booking_ids, status="expired").count() == len(booking_ids)
    events = Counter(BookingEvent.objects.filter(booking_id__in=booking_ids, to_status="expired")
                     .values_list("booking_id", flat=True))
    assert events == Counter(booking_ids), "each hold expired once: one audit event each"
    assert not Slot.objects.filter(bookings__pk__in=booking_ids).exclude(seats_taken=0).exists()


@pytest.fixture
def run_celery(tmp_path):
    """``run_celery("worker", ...)`` starts a Celery process on this test's own queue; all are stopped at the end."""
    queue, started = f"test-{uuid.uuid4().hex[:8]}", []

    def start(*args: str, **env: str) -> Celery:
        log = open(tmp_path / f"celery-{len(started)}.log", "w+")  # noqa: SIM115 (closed below)
        process = Celery(log, *args, queue=queue, var_dir=tmp_path / "var", **env)
        started.append(process)
        return process.start()

    start.queue = queue
    yield start
    for process in started:
        process.stop()
        process.log.close()
    broker = redis.Redis.from_url(settings.REDIS_URL)
    for key in broker.scan_iter(f"{queue}*"):  # what was still queued (notices of the last rows, beat's sends)
        broker.delete(key)
    broker.close()


# --- Two web processes, one slot --------------------------------------------------------------------------


def test_fifty_holds_sent_at_once_through_two_web_processes_take_exactly_the_five_seats():
    mentor = _mentor("seller")
    start = timezone.now() + timedelta(days=3)
    slot = Slot.objects.create(mentor=mentor, start=start, end=start + timedelta(hours=1), capacity=5)
    mentees = _people("buyer", 50)
    tokens = [str(AccessToken.for_user(mentee)) for mentee in mentees]
    everyone_ready = threading.Barrier(len(mentees))

    with servers(Gunicorn, 2) as web:
        def hold(n: int) -> tuple[int, int, dict]:
            server = web[n % 2]
            request = urllib.request.Request(
                f"{server.url}/api/v1/booking/hold", method="POST", data=json.dumps({"slot_id": slot.pk}).encode(),
                headers={"Authorization": f"Bearer {tokens[n]}", "Content-Type": "application/json"})
            everyone_ready.wait(timeout=30)  # all fifty leave together
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return n, response.status, json.loads(response.read())
            except urllib.error.HTTPError as refused:
                return n, refused.code, json.loads(refused.read())

        with ThreadPoolExecutor(max_workers=len(mentees)) as pool:
            answers = list(pool.map(hold, range(len(mentees))))

    assert Counter(code for _, code, _ in answers) == {201: 5, 409: 45}, answers
    assert {code for n, code, _ in answers if n % 2 == 0} >= {409}  # each process refused some
    assert {code for n, code, _ in answers if n % 2 == 1} >= {409}
    for _, code, body in answers:
        if code == 409:  # the documented error, the same whichever process refused it
            assert body == {"detail": "That time was just taken: no seats are left.", "status_code": 409,
                            "errors": []}
    slot.refresh_from_db()
    assert slot.seats_taken == 5
    live = Booking.objects.filter(slot=slot, status__in=Booking.LIVE)
    assert sorted(live.values_list("pk", flat=True)) == sorted(body["id"] for _, code, body in answers if code == 201)
    assert sorted(live.values_list("mentee_id", flat=True)) == sorted(
        mentees[n].pk for n, code, _ in answers if code == 201)
    assert Booking.objects.filter(slot=slot).count() == 5  # a refused hold leaves nothing behind


# --- Two workers and one beat ------------------------------------------------------------------------------


def test_two_workers_with_one_beat_send_each_due_reminder_and_expire_each_overdue_hold_exactly_once(run_celery):
    mentor = _mentor("reminded")
    [mentee] = _people("attending", 1)
    first = timezone.now() + timedelta(hours=2)  # in the 24 h reminder's window, each slot 6 minutes apart
    due = [b.pk for b in _bookings(mentor, mentee, [first + timedelta(minutes=6 * n) for n in range(200)],
                                   status="scheduled")]
    holds = _overdue_holds(200)

    # Every sweep each second: runs overlap, on both workers and on both pool processes of each.
    processes = [run_celery("worker", "-c", "2", "-n", f"w{n}@%h", "-l", "info") for n in (1, 2)]
    processes.append(run_celery("beat", "-l", "info", BEAT_INTERVAL_SECONDS="1"))

    def notices(kind: str, ids: list[int]):
        return Notification.objects.filter(kind=kind, link__in=[f"/bookings/{pk}/" for pk in ids])

    def finished() -> bool:
        return (notices("reminder.24h", due).filter(delivered_at__isnull=False).count() >= 2 * len(due)
                and notices("booking.expired", holds).count() >= 2 * len(holds))

    # A reminder's notices are recorded by the sweep and pushed and mailed by a delivery task on a worker.
    _wait_until(finished, "200 reminders and 200 expiries with their notices delivered", *processes)
    time.sleep(3)  # three more rounds of every sweep, which must find nothing left to do

    sent = Counter(Reminder.objects.filter(booking_id__in=due).values_list("booking_id", "kind"))
    assert sent == Counter((pk, "24h") for pk in due)
    per_booking = notices("reminder.24h", due).values("link").annotate(
        mentee=Count("pk", filter=Q(user=mentee)), mentor=Count("pk", filter=Q(user=mentor.user)))
    assert {(row["mentee"], row["mentor"]) for row in per_booking} == {(1, 1)} and len(per_booking) == len(due)
    _expired_exactly_once(holds)
    told = Counter(notices("booking.expired", holds).values_list("link", flat=True))
    assert told == Counter({f"/bookings/{pk}/": 2 for pk in holds})  # the mentee and the mentor, once each
    ran = [p for p in processes[:2] if f"{EXPIRE_HOLDS}[" in p.output()]
    assert len(ran) == 2, "both workers took sweeps"


# --- A worker killed in the middle of a sweep --------------------------------------------------------------


@pytest.mark.parametrize("crash", ["the whole worker", "its pool process"])
def test_a_worker_killed_in_the_middle_of_a_sweep_loses_nothing_and_the_sweep_is_finished_once(run_celery, crash):
    from mentorhub.celery import app

    holds = _overdue_holds(600)
    # One hold per transaction, so the sweep's progress shows row by row and the kill lands mid-way.
    first = run_celery("worker", "-c", "1", "-n", "first@%h", "-l", "info", SWEEP_BATCH_SIZE="1")
    first.wait_for("ready.")
    with warnings.catch_warnings():  # this process's settings run tasks eagerly; send_task still queues
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task(EXPIRE_HOLDS, queue=run_celery.queue)  # one run: no beat to redo it

    def expired() -> int:
        return Booking.objects.filter(pk__in=holds, status="expired").count()

    _wait_until(lambda: expired() >= 30, "the sweep under way", first)
    if crash == "the whole worker":
        first.kill()
        done_at_kill = expired()
        # The message was never acknowledged: once its visibility timeout passes, the next worker to poll the
        # broker puts it back on the queue and runs it.
        time.sleep(2)
        finisher = run_celery("worker", "-c", "1", "-n", "second@%h", "-l", "info", CELERY_VISIBILITY_TIMEOUT="1")
    else:
        [child] = first.pool()  # the one pool process, running the sweep
        os.kill(child, signal.SIGKILL)
        done_at_kill = expired()
        finisher = first  # rejected on the lost worker process, requeued, and run by the pool's new process
    assert done_at_kill < len(holds), "the sweep ended before the kill: give it more rows"

    _wait_until(lambda: expired() == len(holds), f"the rest of the {len(holds)} holds", first, finisher)
    _expired_exactly_once(holds)
    assert "WorkerLostError" in first.output() or crash == "the whole worker"


# --- WebSockets: one process publishes, another's socket hears --------------------------------------------


def test_a_room_signal_and_an_access_change_made_through_one_daphne_reach_a_socket_held_by_another():
    from sessions_app.services import meeting_for

    mentor = _mentor("host")
    [mentee] = _people("guest", 1)
    [booking] = _bookings(mentor, mentee, [timezone.now() + timedelta(minutes=5)], status="scheduled")
    room = meeting_for(booking).room_name

    def socket_url(server: Daphne, user: User) -> str:
        return f"ws://127.0.0.1:{server.port}/ws/meetings/{room}/?token={AccessToken.for_user(user)}"

    def cancel(server: Daphne) -> int:
        request = urllib.request.Request(
            f"{server.url}/api/v1/booking/{booking.pk}/cancel", method="POST", data=b"{}",
            headers={"Authorization": f"Bearer {AccessToken.for_user(mentee)}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status

    with servers(Daphne, 2) as (a, b):
        async def scenario():
            host = await ws_client.connect(socket_url(a, mentor.user))
            guest = await ws_client.connect(socket_url(b, mentee))
            try:
                host_peer = (await host.receive_json(timeout=10))["peer_id"]
                guest_peer = (await guest.receive_json(timeout=10))["peer_id"]
                joined = await host.receive_json(timeout=10)  # published by B, heard on A
                assert joined == {"type": "peer-joined", "peer_id": guest_peer, "name": mentee.display_name}
                await guest.send_json({"type": "offer", "to": host_peer, "data": {"sdp": "v=0 from B"}})
                offer = await host.receive_json(timeout=10)
                assert offer == {"type": "offer", "from": guest_peer, "data": {"sdp": "v=0 from B"},
                                 "name": mentee.display_name}

                # The mentee cancels over HTTP on B: the host's socket on A is told why, then closed.
                assert await asyncio.to_thread(cancel, b) == 200
                seen = []
                while (frame := await host.receive(timeout=10)) is not ws_client.CLOSED:
                    seen.append(json.loads(frame)["type"])
                assert "closed" in seen and host.close_code == 4410, (seen, host.close_code)
            finally:
                for ws in (host, guest):
                    await ws.close()

        run_in_own_loop(scenario())
