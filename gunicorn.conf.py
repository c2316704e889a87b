"""gunicorn settings for Inkwell: ``gunicorn -c gunicorn.conf.py 'site_app:create_app()'``.

Every value can be changed from the environment (or on the command line,
which wins over this file). Logs go to stdout; the app writes one JSON line
per request, so gunicorn's own access log is off unless GUNICORN_ACCESS_LOG
is set.
"""

import multiprocessing
import os
import sys


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


EMBEDDED_BACKEND_MESSAGE = (
    "error: {workers} workers were asked for, but MONGODB_URI is not set: the "
    "embedded in-memory database lives inside one process, so each worker would "
    "have its own data. Set MONGODB_URI to a MongoDB server, or run one worker "
    "(-w 1; use --threads for concurrency)."
)


PER_PROCESS_STORE_MESSAGE = (
    "error: {workers} workers were asked for, but {stores} inside each process, "
    "so the workers would disagree (a deleted post still shown, a login limit "
    "multiplied by the workers). Set {fix}, or run one worker (-w 1)."
)
# Flask-Caching's names for its in-process cache.
PER_PROCESS_CACHES = {
    "simple",
    "simplecache",
    "flask_caching.backends.simplecache",
    "flask_caching.backends.simplecache.simplecache",
}


def check_worker_count(workers, mongodb_uri, settings=None):
    """The message that forbids ``workers`` processes, or None when allowed.
    ``settings``: the app's config class (its cache and rate-limit store)."""
    if workers <= 1:
        return None
    if not mongodb_uri:
        return EMBEDDED_BACKEND_MESSAGE.format(workers=workers)
    stores, fixes = [], []
    cache_type = str(getattr(settings, "CACHE_TYPE", "") or "")
    if cache_type.lower() in PER_PROCESS_CACHES:
        stores.append(f"CACHE_TYPE={cache_type} keeps the page cache")
        fixes.append("CACHE_TYPE=RedisCache and CACHE_REDIS_URL=redis://HOST:6379/0")
    limits_uri = str(getattr(settings, "RATELIMIT_STORAGE_URI", "") or "")
    if getattr(settings, "RATELIMIT_ENABLED", False) and limits_uri.startswith("memory://"):
        stores.append(f"RATELIMIT_STORAGE_URI={limits_uri} keeps the rate-limit counters")
        fixes.append("RATELIMIT_STORAGE_URI=redis://HOST:6379/1")
    if stores:
        return PER_PROCESS_STORE_MESSAGE.format(
            workers=workers, stores=" and ".join(stores), fix=" and ".join(fixes)
        )
    return None


def app_settings():
    """The config class the app will run with (read here, in the master, from
    the same environment the workers get), or None for an unknown name."""
    from config import config as config_classes

    return config_classes.get(os.environ.get("SITE_CONFIG") or "development")


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Processes: about two a CPU core for this I/O-bound app, one on the embedded
# backend. Threads serve concurrent requests inside each process.
workers = _int(
    "WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9) if os.environ.get("MONGODB_URI") else 1
)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# A request that takes longer than this is killed and its worker restarted;
# uploads are capped at MAX_CONTENT_LENGTH, so this is generous.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak cannot grow forever. Not on
# the embedded backend: its data lives in the worker, and a recycled worker
# would start again empty (every post gone after ~2000 requests).
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000 if os.environ.get("MONGODB_URI") else 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The app alone decides whom to believe about X-Forwarded-* (PROXY_COUNT,
# werkzeug's ProxyFix): gunicorn trusts no address, or with PROXY_COUNT=0 it
# would still take a client's X-Forwarded-Proto from 127.0.0.1.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"}
    },
    # The app's loggers (site_app.*) have their own stdout handler; the root
    # logger gets none, so nothing is written twice.
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"] if accesslog else [], "propagate": False},
    },
}


def on_starting(server):
    """Refuse several workers on the embedded backend or with a per-process
    cache or rate-limit store (the command line may have changed
    ``workers``, so the check reads the final settings)."""
    message = check_worker_count(server.cfg.workers, os.environ.get("MONGODB_URI"), app_settings())
    if message:
        print(message, file=sys.stderr)
        sys.exit(1)
