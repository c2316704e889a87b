"""Glue every page shares: per-request hooks, template helpers and the
security headers (a Content-Security-Policy with a per-request nonce)."""

import secrets

from flask import g
from flask_login import current_user

from . import dbstats, logging_setup
from .models import Permission
from .public_address import site_url_for


def csp_nonce():
    """The nonce an inline ``<script nonce=...>`` must carry on this request."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce):
    """The site's policy; ``nonce=None`` for a page that uses none (a cached
    page shared by readers: nothing per response in it)."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'" if nonce else "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(app):
    """The headers every answer carries besides its CSP (pages and static files)."""
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def static_file_headers(app):
    """Static files are served by WhiteNoise, outside Flask: the same headers,
    and a policy that lets a file opened on its own (an SVG) run nothing."""
    return {**security_headers(app), "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}


def retry_after_only_when_limited(response):
    """Flask-Limiter writes ``Retry-After`` on every limited answer; it means
    "wait" only on a 429 (or our 503). Registered before the limiter, so it
    runs after the limiter's hook (Flask runs them last-registered first)."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def register(app):
    # First, so its timer starts before the other hooks and its line is
    # written after them (after_request hooks run in reverse order).
    logging_setup.register(app)

    @app.context_processor
    def template_globals():
        return {
            "Permission": Permission,
            "csp_nonce": csp_nonce,
            "site_url_for": site_url_for,
            "site_name": app.config["SITE_NAME"],
        }

    @app.before_request
    def start_request():
        if app.config.get("DB_OPS_HEADER"):
            g.db_ops = dbstats.start()
        if current_user.is_authenticated:
            current_user.ping()

    @app.after_request
    def finish_request(response):
        headers = response.headers
        # The admin gets the same policy: its scripts carry the nonce
        # (``csp_nonce_generator``) and its inline handlers were moved to
        # static/js/admin.js.
        # Not on a 304: the reader keeps the body it has with the policy that
        # came with it, and a new nonce would no longer match that body.
        if "Content-Security-Policy" not in headers and response.status_code != 304:
            headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
        for name, value in security_headers(app).items():
            headers.setdefault(name, value)
        ops = g.pop("db_ops", None)
        if ops is not None:
            dbstats.stop()
            headers["X-DB-Ops"] = str(ops.count)
            # Time spent inside the database calls (the benchmark's share).
            headers["X-DB-Time-Ms"] = f"{ops.milliseconds:.2f}"
        return response
