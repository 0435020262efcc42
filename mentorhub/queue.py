"""Queueing a task after commit without letting a broker outage cost the request, or the work.

Every task this app queues takes ids and is safe to run twice, so when the broker cannot take it the work
runs here, in the process that committed the change, right after the commit: a notice is late by the
length of its own work, never lost, and the change itself was already saved. A failed publish also opens
a short breaker: for ``BROKER_RETRY_SECONDS`` this process runs its tasks in-process without asking the
broker again, so an outage costs each request nothing extra (Celery's own publish retries would spend
about a second per task), and the first task after that tries the broker again.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from mentorhub.cache import Warner

logger = logging.getLogger("mentorhub.queue")

BROKER_ERRORS = (BrokerError, RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)

warn_broker_down = Warner("Task broker unreachable, running queued tasks in this process (%s)", logger)


class _Breaker:
    def __init__(self):
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + settings.BROKER_RETRY_SECONDS

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


breaker = _Breaker()


def enqueue(task, *args) -> None:
    """Queue ``task(*args)``; while the broker is unreachable, run it in this process instead."""
    if not breaker.is_open:
        try:
            task.apply_async(args=args, retry=False)
            return
        except BROKER_ERRORS as exc:
            breaker.trip()
            warn_broker_down(exc)
    task.apply(args=args, throw=True)


def enqueue_on_commit(task, *args) -> None:
    """``enqueue`` once the current transaction commits.

    robust: the change is saved by then, so a task that fails even in-process is logged (with its
    traceback), never answered to the user as a failure of the change itself.
    """
    # A lambda, not a partial: Django names a failing robust callback by its __qualname__.
    transaction.on_commit(lambda: enqueue(task, *args), robust=True)
