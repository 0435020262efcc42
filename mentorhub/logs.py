"""Logging filters.

Django logs every answer of 400 and up on ``django.request``, one WARNING line per request. For a refusal
by a rate limit (429) that turns a flood into a flood of log lines: the limits answer it cheaply (a client
past its limit is refused without a Redis trip), but each refusal still cost a formatted line and a write,
and the lines buried everything else in the log. So the refusals are sampled: one line per client address
per interval, and the next line that goes out says how many were held back.
"""

import logging
import threading
import time

from mentorhub.addresses import client_ip

TOO_MANY_REQUESTS = 429


class SampledRefusals(logging.Filter):
    """Lets one 429 line per client address through each ``interval`` seconds; every other record passes.

    Per process, like the log itself. The memory is bounded: past ``max_addresses`` it forgets the
    addresses whose interval has ended, and if none has, it lets lines through rather than grow.
    """

    def __init__(self, interval: float = 60, max_addresses: int = 10_000):
        super().__init__()
        self.interval = interval
        self.max_addresses = max_addresses
        self._seen: dict[str, list] = {}  # address -> [when its last line went out, lines held back since]
        self._lock = threading.Lock()
        self.clock = time.monotonic

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) != TOO_MANY_REQUESTS or request is None:
            return True
        address = client_ip(request)
        now = self.clock()
        with self._lock:
            seen = self._seen.get(address)
            if seen is not None and now - seen[0] < self.interval:
                seen[1] += 1
                return False
            held = seen[1] if seen is not None else 0
            if seen is None and len(self._seen) >= self.max_addresses:
                self._forget_ended(now)
                if len(self._seen) >= self.max_addresses:
                    return True
            self._seen[address] = [now, 0]
        if held:
            # Formatted here, once: the record's own message and args stay as Django made them otherwise.
            record.msg = f"{record.getMessage()} (and {held} more from {address} since its last line, not logged)"
            record.args = ()
        return True

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    def _forget_ended(self, now: float) -> None:
        self._seen = {address: seen for address, seen in self._seen.items() if now - seen[0] < self.interval}
