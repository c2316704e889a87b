"""The shared cache's backend as the site uses it.

- ``CACHE_TYPE=RedisCache``: redis-py with short timeouts
  (``REDIS_CONNECT_TIMEOUT_MS``, ``REDIS_TIMEOUT_MS``) and no retries of its
  own, behind a circuit breaker (``breaker.Breaker``): a dead or hung Redis
  costs one request one timeout, then every call is a miss until a
  background probe (every ``CACHE_RETRY_SECONDS``) finds it again. Before
  anything is read from it again, the recovery callbacks run
  (``content_cache.mark_all_stale``): what was kept before the outage may
  have missed an invalidation, so none of it is trusted.
- ``CACHE_TYPE=SimpleCache`` (one process): :class:`BoundedMemoryCache`,
  at most ``CACHE_MAX_BYTES`` of entries that expire, least recently used
  evicted first in constant time (cachelib's SimpleCache sorts its whole
  store on every set once full). Entries kept without a timeout (the
  generations pages are checked against) are never evicted, as Redis's
  ``volatile-lru`` does.
"""

import pickle
import threading
import time
from collections import OrderedDict

from flask_caching.backends.base import BaseCache

from .breaker import Breaker

# Methods of a cachelib backend, and what each answers when the store is away.
_MISSES = {
    "get": lambda *keys: None,
    "get_many": lambda *keys: [None] * len(keys),
    "get_dict": lambda *keys: dict.fromkeys(keys),
    "has": lambda *args: False,
    "set": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set_many": lambda *args, **kwargs: [],
    "delete": lambda *args: False,
    "delete_many": lambda *args: [],
    "inc": lambda *args, **kwargs: None,
    "dec": lambda *args, **kwargs: None,
    "clear": lambda: False,
}
PROBE_KEY = "pc:probe"


def init_cache(app, cache, on_recovery):
    """``cache.init_app`` with the site's backends (above); ``on_recovery(backend)``
    runs when the store answers again after an outage."""
    config = app.config
    kind = config["CACHE_TYPE"]
    overrides = {}
    if kind in ("SimpleCache", "simple"):
        overrides["CACHE_TYPE"] = f"{__name__}.BoundedMemoryCache"
        overrides["CACHE_OPTIONS"] = {"max_bytes": config["CACHE_MAX_BYTES"]}
    elif kind in ("RedisCache", "redis") and not config.get("CACHE_OPTIONS"):
        overrides["CACHE_OPTIONS"] = redis_options(config)
    cache.init_app(app, config=overrides)
    backend = app.extensions["cache"][cache]
    guarded = GuardedCache(backend, "page cache (Redis)", config["CACHE_RETRY_SECONDS"])
    guarded.breaker.on_recovery.append(lambda: on_recovery(backend))
    app.extensions["cache"][cache] = guarded


def configure_rate_limit_storage(config):
    """A Redis for the rate limits gets the same short timeouts, and its
    errors as ``limits.errors.StorageError`` (``password_checks`` counts in
    the process while it is away)."""
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis", "rediss")):
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {**redis_options(config), "wrap_exceptions": True})


def redis_options(config):
    """redis-py client options: short timeouts, no retries (the breaker
    decides when to try again; redis-py's own default retries three times
    with a backoff of up to ten seconds)."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_connect_timeout": config["REDIS_CONNECT_TIMEOUT_MS"] / 1000,
        "socket_timeout": config["REDIS_TIMEOUT_MS"] / 1000,
        "retry": Retry(NoBackoff(), 0),
    }


class GuardedCache:
    """A cachelib backend whose every call goes through a breaker: a failure
    opens it, and while open each call answers as a miss at once."""

    def __init__(self, backend, name, retry_seconds):
        self.backend = backend
        self.breaker = Breaker(name, retry_seconds)
        self._prober = None
        self._prober_lock = threading.Lock()

    def __getattr__(self, name):
        attribute = getattr(self.backend, name)
        miss = _MISSES.get(name)
        if miss is None:
            return attribute

        def guarded(*args, **kwargs):
            if not self.breaker.allows():
                return miss(*args, **kwargs)
            try:
                return attribute(*args, **kwargs)
            except Exception as error:  # any backend failure: the store is away
                self.breaker.failed(error)
                self._start_prober()
                return miss(*args, **kwargs)

        return guarded

    def _start_prober(self):
        # A thread, not the next request: a worker that lost an
        # invalidation makes the store consistent as soon as it is back,
        # whether or not it is asked for a page.
        with self._prober_lock:
            if self._prober is None or not self._prober.is_alive():
                self._prober = threading.Thread(
                    target=self._probe_until_back, daemon=True, name="cache-probe"
                )
                self._prober.start()

    def _probe_until_back(self):
        breaker = self.breaker
        while breaker.is_open:
            time.sleep(max(0.0, breaker.retry_seconds / 4))
            breaker.probe(lambda: self.backend.has(PROBE_KEY))


class BoundedMemoryCache(BaseCache):
    """An in-process cache holding at most ``max_bytes`` of expiring entries
    (pickled sizes), least recently used evicted first."""

    def __init__(self, default_timeout=300, max_bytes=64 * 1024 * 1024, **_ignored):
        super().__init__(default_timeout=default_timeout)
        self.max_bytes = max_bytes
        self._expiring = OrderedDict()  # key -> (expires, pickled): evictable, LRU order
        self._lasting = {}  # key -> (0, pickled): never evicted
        self._bytes = 0
        self._lock = threading.RLock()

    @property
    def size_bytes(self):
        """What the entries take (keys and pickled values)."""
        return self._bytes

    def __len__(self):
        return len(self._expiring) + len(self._lasting)

    def _expires(self, timeout):
        timeout = self._normalize_timeout(timeout)
        return 0 if timeout == 0 else time.time() + timeout

    @staticmethod
    def _size(key, pickled):
        return len(key) + len(pickled)

    def _entry(self, key):
        """``(expires, pickled)`` of a live entry (marked recently used), or ``None``."""
        if key in self._lasting:
            return self._lasting[key]
        entry = self._expiring.get(key)
        if entry is None:
            return None
        if entry[0] <= time.time():
            self._remove(key)
            return None
        self._expiring.move_to_end(key)
        return entry

    def _remove(self, key):
        entry = self._lasting.pop(key, None) or self._expiring.pop(key, None)
        if entry is not None:
            self._bytes -= self._size(key, entry[1])
        return entry is not None

    def _store(self, key, value, expires):
        pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self._remove(key)
        (self._lasting if expires == 0 else self._expiring)[key] = (expires, pickled)
        self._bytes += self._size(key, pickled)
        while self._bytes > self.max_bytes and self._expiring:
            oldest, (_expires, old) = self._expiring.popitem(last=False)
            self._bytes -= self._size(oldest, old)
        return True

    def get(self, key):
        with self._lock:
            entry = self._entry(key)
        return None if entry is None else pickle.loads(entry[1])

    def set(self, key, value, timeout=None):
        with self._lock:
            return self._store(key, value, self._expires(timeout))

    def add(self, key, value, timeout=None):
        with self._lock:
            if self._entry(key) is not None:
                return False
            return self._store(key, value, self._expires(timeout))

    def delete(self, key):
        with self._lock:
            return self._remove(key)

    def has(self, key):
        with self._lock:
            return self._entry(key) is not None

    def inc(self, key, delta=1):
        with self._lock:
            entry = self._entry(key)
            value = (pickle.loads(entry[1]) if entry else 0) + delta
            expires = entry[0] if entry else self._expires(None)
            self._store(key, value, expires)
            return value

    def dec(self, key, delta=1):
        return self.inc(key, -delta)

    def clear(self):
        with self._lock:
            self._expiring.clear()
            self._lasting.clear()
            self._bytes = 0
        return True
