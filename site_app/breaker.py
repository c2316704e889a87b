"""A circuit breaker for a store the site can do without (Redis: the page
cache, the rate-limit counters).

A store that fails once is *open*: callers skip it (a cache miss, a
per-process counter) and pay nothing, until it is probed again
``retry_seconds`` later. So a dead or hung Redis costs a request one
short socket timeout (``REDIS_TIMEOUT_MS``), once, not one per call. Each
change of state is one log line: "unreachable" when it opens, "reachable
again" when a probe succeeds.
"""

import logging
import threading
import time

log = logging.getLogger(__name__)


class Breaker:
    """Closed (calls go through) or open (calls are skipped until
    ``retry_at``). ``on_recovery`` callbacks run when a probe succeeds,
    before anyone else trusts the store again; a failing callback keeps the
    breaker open."""

    def __init__(self, name, retry_seconds=1.0):
        self.name = name
        self.retry_seconds = retry_seconds
        self.on_recovery = []
        self._open = False
        self._retry_at = 0.0
        self._probing = threading.Lock()

    @property
    def is_open(self):
        return self._open

    def allows(self):
        """Whether a caller may use the store now (only when closed)."""
        return not self._open

    def failed(self, error):
        """A call failed: open (once: one log line) and wait before probing."""
        self._retry_at = time.monotonic() + self.retry_seconds
        if not self._open:
            self._open = True
            log.warning(
                "%s unreachable (%s: %s): working without it, probing every %s s",
                self.name,
                type(error).__name__,
                error,
                self.retry_seconds,
            )

    def probe_due(self):
        return self._open and time.monotonic() >= self._retry_at

    def probe(self, check):
        """Run ``check()`` when a probe is due and nobody else is probing;
        close when it and every recovery callback succeed. Whether the
        breaker is closed afterwards."""
        if not self.probe_due() or not self._probing.acquire(blocking=False):
            return not self._open
        try:
            check()
            for callback in self.on_recovery:
                callback()
        except Exception as error:  # still away: stay open, quietly
            self._retry_at = time.monotonic() + self.retry_seconds
            log.debug("%s still unreachable: %s", self.name, error)
        else:
            self._open = False
            log.warning("%s reachable again", self.name)
        finally:
            self._probing.release()
        return not self._open
