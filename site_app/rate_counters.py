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

_breaker = Breaker("rate-limit storage (site counters)", retry_seconds=5.0)
_local = {}
_local_lock = threading.Lock()


def hit(limit, *keys, cost=1):
    return _call("hit", limit, *keys, cost=cost)


def test(limit, *keys):
    return _call("test", limit, *keys)


def window_stats(limit, *keys):
    return _call("get_window_stats", limit, *keys)


def _call(method, *args, **kwargs):
    if _breaker.allows() or _breaker.probe_due():
        try:
            result = getattr(limiter.limiter, method)(*args, **kwargs)
        except StorageError as error:
            _breaker.failed(error)
        else:
            if _breaker.is_open:
                _breaker.probe(lambda: None)  # that call was the probe, and it answered
            return result
    return getattr(_in_process(), method)(*args, **kwargs)


def _in_process():
    strategy = current_app.config.get("RATELIMIT_STRATEGY") or "fixed-window"
    with _local_lock:
        if strategy not in _local:
            _local[strategy] = STRATEGIES[strategy](MemoryStorage())
        return _local[strategy]
