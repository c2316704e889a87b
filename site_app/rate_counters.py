"""Counters the site keeps itself on the rate-limit store (wrong passwords,
uploads), with the fallback Flask-Limiter gives the route limits.

Flask-Limiter counts in the process (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``)
once it has seen its shared store fail on a limited route; these counters
may be the first to meet the failure (an account page asking for the
password), so they fall back the same way behind their own breaker: with
Redis away a sign-in is counted per process, never answered 500.
"""

import threading

from flask import current_app
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import STRATEGIES

from .breaker import Breaker
from .extensions import limiter

_lock = threading.Lock()


class _Fallback:
    """Per app: the breaker, and the counters kept in this process."""

    def __init__(self, config):
        self.breaker = Breaker("rate-limit storage (site counters)", retry_seconds=5.0)
        strategy = config.get("RATELIMIT_STRATEGY") or "fixed-window"
        self.in_process = STRATEGIES[strategy](MemoryStorage())


def hit(limit, *keys, cost=1):
    return _call("hit", limit, *keys, cost=cost)


def test(limit, *keys):
    return _call("test", limit, *keys)


def window_stats(limit, *keys):
    return _call("get_window_stats", limit, *keys)


def _call(method, *args, **kwargs):
    fallback = _fallback()
    breaker = fallback.breaker
    if breaker.allows() or breaker.probe_due():
        try:
            result = getattr(limiter.limiter, method)(*args, **kwargs)
        except StorageError as error:
            breaker.failed(error)
        else:
            if breaker.is_open:
                breaker.probe(lambda: None)  # that call was the probe, and it answered
            return result
    return getattr(fallback.in_process, method)(*args, **kwargs)


def _fallback():
    extensions = current_app.extensions
    with _lock:
        if "rate_counters" not in extensions:
            extensions["rate_counters"] = _Fallback(current_app.config)
        return extensions["rate_counters"]
