"""Readiness: ``GET /readyz`` says whether this process can serve pages now.

``/healthz`` is liveness (the process answers and the database pings); a
load balancer asks ``/readyz`` which stores answer: the database (a ping and
an indexed read), the cache and the rate-limit storage. The checks run side
by side, each with its own short budget, and the answer comes within a
second whatever happens: a check still waiting then is reported ``timeout``.
``{"status", "database", "cache", "rate_limits"}``, 200 when all are
``ok``, else 503.
"""

from concurrent.futures import ThreadPoolExecutor, wait

import pymongo
from flask import current_app, jsonify

from ..extensions import cache, limiter
from ..models import Role
from . import main

DEADLINE_SECONDS = 0.9
DATABASE_BUDGET_SECONDS = 0.5
# Shared by every request: a check stuck on a hung store holds a thread at
# most its own timeout, never the request.
_checks = ThreadPoolExecutor(max_workers=6, thread_name_prefix="readyz")


@main.route("/readyz")
@limiter.exempt
def readyz():
    app = current_app._get_current_object()
    futures = {
        name: _checks.submit(_in_app, app, check)
        for name, check in (("database", _database), ("cache", _cache), ("rate_limits", _rate_limits))
    }
    wait(futures.values(), timeout=DEADLINE_SECONDS)
    found = {name: future.result() if future.done() else "timeout" for name, future in futures.items()}
    ready = all(value == "ok" for value in found.values())
    response = jsonify(status="ok" if ready else "error", **found)
    response.status_code = 200 if ready else 503
    response.cache_control.no_store = True
    return response


def _in_app(app, check):
    with app.app_context():
        try:
            return check()
        except Exception:  # what failed is the answer, not an error page
            return "unreachable"


def _database():
    with pymongo.timeout(DATABASE_BUDGET_SECONDS):  # pymongo's own deadline (CSOT)
        Role.objects.only("id").first()
    return "ok"


def _cache():
    guarded = cache.cache
    if getattr(guarded, "breaker", None) is not None and guarded.breaker.is_open:
        return "unreachable"  # its own probe says when it is back
    getattr(guarded, "backend", guarded).has("pc:probe")  # raises when away
    return "ok"


def _rate_limits():
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return "ok"  # no store to reach
    return "ok" if limiter.storage.check() else "unreachable"
