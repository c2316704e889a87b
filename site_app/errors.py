"""The one error renderer: an HTML page in the site layout, or JSON for the
API and for clients that accept JSON and not HTML."""

import logging

from flask import Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from .database import DATABASE_DOWN, is_document_too_large

log = logging.getLogger(__name__)

# Statuses with their own page; others use the generic error template.
_PAGES = {400, 403, 404, 405, 413, 429, 500, 503}


def json_errors(view):
    """Mark a view outside /api/ whose errors are always JSON (an endpoint
    scripts call, such as POST /upload), whatever the client accepts."""
    view.json_errors = True
    return view


def wants_json():
    if request.path.startswith("/api/"):
        return True
    if getattr(current_app.view_functions.get(request.endpoint), "json_errors", False):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and (
        request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status, message=None, headers=None):
    """Render an error for ``status`` the way the client wants it."""
    name = HTTP_STATUS_CODES.get(status, "error").lower()
    message = message or _default_message(status)
    if wants_json():
        response = jsonify(error=name, message=message)
    else:
        template = f"errors/{status}.html" if status in _PAGES else "errors/generic.html"
        response = render_template(
            template, status=status, name=name, message=message, title=_status_title(status)
        )
    response = _as_response(response, status)
    # The same URL answers JSON or HTML by Accept: a shared cache must key on it.
    response.vary.add("Accept")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _as_response(response, status):
    from flask import make_response

    response = make_response(response)
    response.status_code = status
    return response


def _status_title(status):
    """The page's heading: the status's name in the reader's language."""
    return {
        400: _("Bad request"),
        401: _("Sign in needed"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        413: _("Too large"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
        500: _("Server error"),
        503: _("Service unavailable"),
    }.get(status)


def _default_message(status):
    return {
        400: _("The request could not be understood."),
        401: _("You need to sign in to do that."),
        403: _("You do not have permission to do that."),
        404: _("We could not find what you were looking for."),
        405: _("That method is not allowed here."),
        413: _("The upload is larger than the site accepts."),
        415: _("The request body must be JSON."),
        429: _("Too many requests: slow down and try again in a moment."),
        500: _("Something went wrong on our side. It has been logged."),
        503: _("The service is briefly unavailable. Try again in a moment."),
    }.get(status) or HTTP_STATUS_CODES.get(status, _("Error"))


def _handle_http_exception(exc):
    headers = {}
    if exc.code == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    if exc.code == 413:
        limit = (request.max_content_length or 0) // (1024 * 1024)
        message = _("The upload is larger than the %(limit)s MB the site accepts.", limit=limit)
        return error_response(413, message, headers)
    retry = exc.get_headers() and dict(exc.get_headers()).get("Retry-After")
    if retry:
        headers["Retry-After"] = retry
    description = exc.description if exc.description and exc.description != type(exc).description else None
    return error_response(exc.code or 500, description, headers)


def _handle_unknown_host(exc):
    """A Host outside ``TRUSTED_HOSTS`` (production: only SITE_URL's): no
    URL can be built for it, so the answer is bare, not a page in the layout."""
    message = _("This site does not answer to that host name.")
    if wants_json():
        return _as_response(jsonify(error="bad request", message=message), 400)
    return Response(message + "\n", 400, mimetype="text/plain")


def _handle_database_down(exc):
    log.error("database unavailable: %s", exc)
    return error_response(
        503, _("The database is not answering. Try again in a moment."), {"Retry-After": "5"}
    )


def _handle_unexpected(exc):
    original = getattr(exc, "original_exception", None)
    if isinstance(original, DATABASE_DOWN):
        # Raised outside the view, where Flask's handlers by type do not
        # reach: loading or storing the session. Still the database down,
        # not a bug: the same 503 as any page that needs the database.
        return _handle_database_down(original)
    if isinstance(exc, HTTPException):
        return _handle_http_exception(exc)
    if is_document_too_large(exc):
        # MongoDB refused to store it: the request asked for too much, and
        # nothing was written.
        return error_response(
            413,
            _(
                "That would make a stored document larger than the "
                "database's 16 MB limit; nothing was changed."
            ),
        )
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500)


def register(app):
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(SecurityError, _handle_unknown_host)
    for error in DATABASE_DOWN:
        app.register_error_handler(error, _handle_database_down)
    app.register_error_handler(InternalServerError, _handle_unexpected)
    app.register_error_handler(Exception, _handle_unexpected)
