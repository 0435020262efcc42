"""`make bench`'s chat part (scripts/bench_chat.py) measures something real: a one-second run with four
sockets against one Daphne process delivers every message, through the relay baseline and /ws/chat alike.

One process, so the in-memory channel layer will do: this runs on either database, with or without Redis.
"""

import importlib.util

import pytest
from asgiref.sync import async_to_sync

from mentorhub.testing import ROOT, daphne
from messaging.models import Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _bench_chat():
    spec = importlib.util.spec_from_file_location("bench_chat", ROOT / "scripts" / "bench_chat.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def server(transactional_db):
    with daphne(BENCH_ENDPOINTS="1", MESSAGES_PER_MINUTE="100000") as started:
        yield started


def test_a_tiny_chat_bench_run_delivers_every_message_through_the_relay_and_the_chat_socket(server):
    bench_chat = _bench_chat()
    base = f"ws://127.0.0.1:{server.port}"
    people = bench_chat.seed(2)

    relay = async_to_sync(bench_chat.measure)(bench_chat.relay_pairs(base, 2), 1, warm_up=0.2)
    chat = async_to_sync(bench_chat.measure)(bench_chat.chat_pairs(base, people), 1, warm_up=0.2)

    for result in (relay, chat):
        assert result.delivered > 0 and (result.lost, result.errors) == (0, 0)
        assert 0 < result.percentile(50) <= result.percentile(99) < 1000 * bench_chat.DELIVERY_TIMEOUT
        assert result.per_second == pytest.approx(result.delivered / result.seconds)
        assert 0.9 < result.seconds < 2
    senders = [sender["id"] for sender, _ in people]
    # Every chat message went through the service: warm-up and measured ones, from the seeded senders.
    assert Message.objects.filter(sender_id__in=senders, text__startswith="bench message").count() >= chat.delivered
    ids = [(sender["id"], recipient["id"]) for sender, recipient in people]
    assert [(sender["id"], recipient["id"]) for sender, recipient in bench_chat.seed(2)] == ids  # idempotent
