"""The rate limits' counts and a catalogue hit's page read go to Redis on each thread's own connection
(``SoftRedisCache._exchange``), outside redis-py's pool: what that connection must never get wrong."""

import threading
from unittest import mock

import pytest
from django.core.cache import caches
from redis.connection import Connection
from redis.exceptions import TimeoutError as RedisTimeoutError

from mentorhub.cache import count_in_window, count_in_windows_and_get_many, local_windows
from mentorhub.testing import requires_redis

pytestmark = [requires_redis]


@pytest.fixture
def cache():
    local_windows.clear()
    yield caches["default"]
    local_windows.clear()


def test_a_reply_cut_off_by_a_timeout_is_never_read_by_the_next_count(cache):
    assert count_in_window("cut", timeout=60) == 1
    read = Connection.read_response
    calls = []

    def times_out_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RedisTimeoutError("Timeout reading from socket")
        return read(self, *args, **kwargs)

    with mock.patch.object(Connection, "read_response", times_out_once):
        # Redis counted it (2), but its reply was not read: this request counts in the process instead...
        assert count_in_window("cut", timeout=60) == 1
        # ...and the next one reads its own reply (3), not the one left behind (2).
        assert count_in_window("cut", timeout=60) == 3


def test_counts_and_a_page_read_come_back_in_order_in_one_exchange(cache):
    cache.set("page", {"items": [1, 2]})
    counts, found = count_in_windows_and_get_many([("a", 60), ("b", 60), ("a", 60)], ["page", "absent"])
    assert counts == [1, 1, 2]
    assert found == {"page": {"items": [1, 2]}}
    assert count_in_windows_and_get_many([], []) == ([], {})
    assert count_in_windows_and_get_many([], ["page"]) == ([], {"page": {"items": [1, 2]}})


def test_each_thread_counts_on_its_own_connection(cache):
    connections = {}

    def count(name):
        for _ in range(50):
            count_in_window("shared", timeout=60)
        connections[name] = caches["default"]._own.connection

    threads = [threading.Thread(target=count, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert count_in_window("shared", timeout=60) == 201  # no count lost or doubled across the threads
    assert len({id(connection) for connection in connections.values()}) == 4


def test_a_forked_process_opens_its_own_connection(cache):
    count_in_window("fork", timeout=60)
    inherited = cache._own.connection
    cache._own.pid = -1  # as a child process sees the parent's state
    assert count_in_window("fork", timeout=60) == 2
    assert cache._own.connection is not inherited
