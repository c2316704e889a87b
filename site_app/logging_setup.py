"""Logging to stdout, and one structured line per request.

Under gunicorn (and in containers) stdout is where logs belong: the process
supervisor or the container runtime collects them. Each request is logged as
one JSON object on the ``site_app.request`` logger:
``{"method", "path", "status", "duration_ms", "user_id", "ip"}``.
"""

import json
import logging
import sys
import time

from flask import g, request
from flask.logging import default_handler

request_log = logging.getLogger("site_app.request")

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(app):
    """Set the site's loggers to ``LOG_LEVEL``, and send the app's logs to
    the process's stdout in one format, once per process (Flask's default
    handler writes to stderr).

    ``sys.__stdout__``, not ``sys.stdout``: a command's captured output
    (click's test runner, ``flask shell``) must not fill with log lines. In
    ``testing`` nothing is installed; records propagate to the root logger,
    where pytest's ``caplog`` reads them.
    """
    level = getattr(logging, str(app.config.get("LOG_LEVEL", "INFO")).upper(), logging.INFO)
    app.logger.setLevel(level)
    logging.getLogger("site_app").setLevel(level)
    if app.testing:
        return
    site_logger = logging.getLogger("site_app")
    site_logger.removeHandler(default_handler)
    if not any(getattr(h, "site_stdout", False) for h in site_logger.handlers):
        handler = logging.StreamHandler(sys.__stdout__)
        handler.site_stdout = True
        handler.setFormatter(logging.Formatter(FORMAT))
        site_logger.addHandler(handler)


def request_record(response, seconds):
    """The fields of one request's log line."""
    user = g.get("_login_user")  # only if this request loaded it already
    user_id = str(user.id) if user is not None and user.is_authenticated else None
    return {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 1),
        "user_id": user_id,
        "ip": request.remote_addr,
    }


def register(app):
    """Time every request and log it when its response is ready."""

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.pop("request_started", None)
        if started is not None:
            record = request_record(response, time.perf_counter() - started)
            request_log.info(json.dumps(record, separators=(",", ":")))
        return response
