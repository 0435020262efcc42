"""`make bench`, chat part: messages delivered per second over /ws/chat against a bare Channels relay.

Starts the ASGI app as production serves WebSockets (one Daphne process; the Redis channel layer when
REDIS_URL is set, else the in-memory one), opens BENCH_SOCKETS (200) WebSockets on loopback, half of
them senders and half recipients, one sender per recipient. Each sender keeps one message in flight:
it sends, waits until its recipient's socket has the message, and sends the next, for BENCH_DURATION
seconds per target. Latency is measured by the client, from just before the send to the recipient's
socket receiving it. Targets:

- the baseline: ``/ws/bench/relay`` (mentorhub.bench.RelayConsumer), which hands each frame to the
  recipient's group as it came, with no sign-in, database or ack: the framework's ceiling;
- ``/ws/chat``: 200 users signed in with access tokens (seeded, idempotent: recipients are approved
  mentors, so anyone may write to them), sending ``{"type": "message", ...}`` frames through the
  same service as the API (the message row, the conversation, the ack, the push after commit).

Run by scripts/bench.py with its environment; standalone it prepares its own (DATABASE_URL,
REDIS_URL, BENCH_SOCKETS, BENCH_DURATION as for `make bench`).
"""

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOCKETS = int(os.environ.get("BENCH_SOCKETS", "200"))
DURATION = int(os.environ.get("BENCH_DURATION", "30"))
WARM_UP_SECONDS = 3
DELIVERY_TIMEOUT = 10  # seconds: a message not delivered by then is counted lost
EMAIL = "chat-{}-{}@chat.bench.mentorhub.local"  # not "@bench.mentorhub.local": seed_bench counts those


@dataclass
class Pair:
    sender_url: str
    recipient_url: str
    frame: dict  # what the sender sends, "text" filled in per message
    acked: bool  # the sender's socket is answered (an ack or an error) for each message


@dataclass
class Result:
    delivered: int = 0
    lost: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        """The p-th percentile latency in milliseconds."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


async def _pair_loop(pair: Pair, sender, recipient, stop_at: float, result: Result) -> None:
    number = 0
    while time.perf_counter() < stop_at:
        number += 1
        text = f"bench message {number}"
        started = time.perf_counter()
        await sender.send_json({**pair.frame, "text": text})
        answer = asyncio.ensure_future(sender.receive_json(timeout=DELIVERY_TIMEOUT)) if pair.acked else None
        try:
            while (await recipient.receive_json(timeout=DELIVERY_TIMEOUT)).get("text") != text:
                pass  # anything else the recipient is told
            result.latencies.append(time.perf_counter() - started)
            result.delivered += 1
        except TimeoutError:
            result.lost += 1
        if answer is not None:
            try:
                if (await answer).get("type") != "ack":
                    result.errors += 1
            except TimeoutError:
                result.errors += 1


async def _open(urls: list[str], concurrency: int = 20) -> list:
    from mentorhub import ws_client

    gate = asyncio.Semaphore(concurrency)

    async def one(url: str):
        async with gate:
            return await ws_client.connect(url)

    return await asyncio.gather(*(one(url) for url in urls))


async def measure(pairs: list[Pair], seconds: float, *, warm_up: float = WARM_UP_SECONDS) -> Result:
    """Open every pair's two sockets, warm up, then drive all pairs at once for ``seconds``."""
    senders = await _open([pair.sender_url for pair in pairs])
    recipients = await _open([pair.recipient_url for pair in pairs])
    try:
        for length, result in ((warm_up, Result()), (seconds, Result())):
            begun = time.perf_counter()
            await asyncio.gather(*(_pair_loop(pair, s, r, begun + length, result)
                                   for pair, s, r in zip(pairs, senders, recipients, strict=True)))
            result.seconds = time.perf_counter() - begun
        return result
    finally:
        await asyncio.gather(*(ws.close() for ws in [*senders, *recipients]))


def relay_pairs(base: str, count: int) -> list[Pair]:
    return [Pair(f"{base}/ws/bench/relay?user={n}", f"{base}/ws/bench/relay?user={count + n}",
                 {"to": count + n}, acked=False) for n in range(count)]


def chat_pairs(base: str, people: list[tuple[dict, dict]]) -> list[Pair]:
    """``people``: (sender, recipient) dicts with ``id`` and ``token``."""
    return [Pair(f"{base}/ws/chat?token={sender['token']}", f"{base}/ws/chat?token={recipient['token']}",
                 {"type": "message", "recipient_id": recipient["id"]}, acked=True) for sender, recipient in people]


def seed(count: int) -> list[tuple[dict, dict]]:
    """``count`` senders and as many approved mentors to write to (kept between runs), with access tokens."""
    from django.contrib.auth.hashers import make_password
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from mentors.models import MentorProfile

    password = make_password(None)
    people = []
    for n in range(count):
        sender, _ = User.objects.get_or_create(email=EMAIL.format("sender", n),
                                               defaults={"full_name": f"Chat Sender {n}", "password": password})
        recipient, _ = User.objects.get_or_create(
            email=EMAIL.format("mentor", n),
            defaults={"full_name": f"Chat Mentor {n}", "password": password, "role": User.Role.MENTOR})
        MentorProfile.objects.get_or_create(user=recipient, defaults={
            "title": "Chat benchmark", "price_per_hour": 1000, "status": MentorProfile.Status.APPROVED})
        people.append(({"id": sender.pk, "token": str(AccessToken.for_user(sender))},
                       {"id": recipient.pk, "token": str(AccessToken.for_user(recipient))}))
    return people


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_daphne(port: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                               "mentorhub.asgi:application"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL)  # its access log
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("Daphne exited during start-up.")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("Daphne did not become healthy in 60 seconds.")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench import ensure_database, manage, rss_mib, say, server_env

    if os.environ.get("BENCH_ENDPOINTS") != "1":  # standalone: prepare what scripts/bench.py would
        os.environ.update(server_env())
        ensure_database()
        manage("migrate", "--noinput", "-v0", env=dict(os.environ))
    env = {**os.environ, "MESSAGES_PER_MINUTE": "100000000", "DJANGO_SETTINGS_MODULE": "mentorhub.settings"}
    os.environ.update(env)
    import django

    django.setup()
    count = max(1, SOCKETS // 2)
    say(f"Preparing the chat users ({count} senders, {count} mentors)...")
    people = seed(count)
    port = free_port()
    base = f"ws://127.0.0.1:{port}"
    layer = "Redis" if os.environ.get("REDIS_URL") else "in-memory"
    server = start_daphne(port, env)
    try:
        rows = []
        for name, pairs in (("bare Channels relay consumer", relay_pairs(base, count)),
                            ("/ws/chat message frames", chat_pairs(base, people))):
            before = rss_mib([server.pid])
            result = asyncio.run(measure(pairs, DURATION))
            rows.append((name, result, before, rss_mib([server.pid])))
    finally:
        stop(server)
    bare = rows[0][1].per_second
    say("")
    say(f"{'WebSocket target':<48} {'msg/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8} {'lost':>5} "
        f"{'errors':>7} {'RSS MiB':>15}")
    for name, result, before, after in rows:
        say(f"{name:<48} {result.per_second:>9.0f} {result.percentile(50):>8.2f} {result.percentile(99):>8.2f} "
            f"{result.per_second / bare if bare else float('nan'):>8.2f} {result.lost:>5} {result.errors:>7} "
            f"{before:>7.0f}->{after:<7.0f}")
    say(f"\n{count * 2} WebSockets ({count} senders, one message in flight each), one Daphne process, {layer} "
        f"channel layer, {DURATION}s per target, {os.cpu_count()} CPUs (the client shares them).")


if __name__ == "__main__":
    main()
