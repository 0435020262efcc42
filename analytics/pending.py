"""Counts kept in this process and added to the shared cache in batches, by a background thread.

Counting each search or profile view in Redis as it was answered cost a round trip of its own on the
catalogue's hottest path, where a cached page is otherwise one trip (its rate limits and the page read:
``mentorhub.api.throttles.CountedWithFirstRead``). ``analytics.services.funnel_count`` adds here instead,
and a daemon thread pushes what has gathered every ``FUNNEL_COUNTS_PUSH_SECONDS``, one pipeline per push.

What that trades: a worker killed outright (SIGKILL, the out-of-memory killer) loses up to one interval of
counts. A worker that exits normally pushes at exit, and counts that cannot be pushed (Redis down) stay
here for the next push instead of being lost.
"""

import atexit
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Hashable

from mentorhub.cache import CacheUnavailable, Warner

logger = logging.getLogger(__name__)
warn_push_failed = Warner("Could not push the counts kept in this process; they wait for the next push (%r)", logger)


class PendingCounts:
    """Counts by key, waiting for ``push`` to hand them to ``send`` (which raises if they did not land)."""

    def __init__(self, send: Callable[[dict[Hashable, int]], None], name: str):
        self._send = send
        self._name = name
        self._reset()
        # A forked child (a gunicorn worker) starts empty and without a thread: the parent's counts are the
        # parent's to push, and a lock some parent thread held at the fork would never be released here.
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.push)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def add(self, key: Hashable, *, every: float) -> None:
        """Count one for ``key``; the first count starts the thread that pushes ``every`` seconds (if > 0)."""
        with self._lock:
            self._counts[key] += 1
            if every > 0 and self._thread is None:
                self._thread = threading.Thread(target=self._run, args=(every, self._stopping), daemon=True,
                                                name=f"{self._name}-push")
                self._thread.start()

    def push(self) -> int:
        """Send what has gathered; returns how many counts landed. Never raises: what did not land stays."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
        if not counts:
            return 0
        try:
            self._send(dict(counts))
        except Exception as exc:  # noqa: BLE001  (runs on a thread of its own: nothing above it would log it)
            with self._lock:
                self._counts.update(counts)
            if not isinstance(exc, CacheUnavailable):  # the cache layer has warned about its outage already
                warn_push_failed(exc)
            return 0
        return sum(counts.values())

    def put_back(self, counts: dict[Hashable, int]) -> None:
        """Take ``counts`` back to wait for the next push (no thread is started for them)."""
        with self._lock:
            self._counts.update(counts)

    def waiting(self) -> dict:
        with self._lock:
            return dict(self._counts)

    def stop(self) -> None:
        """Stop the pushing thread (after one last push); the next ``add`` starts a new one."""
        with self._lock:
            thread, stopping = self._thread, self._stopping
            self._thread, self._stopping = None, threading.Event()
        if thread is not None:
            stopping.set()
            thread.join()

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()

    def _run(self, every: float, stopping: threading.Event) -> None:
        while not stopping.wait(every):
            self.push()
        self.push()
