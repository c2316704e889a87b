"""Reading JSON request bodies: one place that turns whatever a client sent
into clean values, or a 4xx that says what was wrong.

Text must be valid Unicode (lone surrogates cannot even be stored) and
follow the site's one rule for characters (``site_app.text``).
"""

import json

from bson import ObjectId
from flask import abort, request
from flask_babel import gettext as _

from ..errors import error_response
from ..models.details import (
    CANONICAL_URL_MAX,
    CUSTOM_EXCERPT_MAX,
    LANG_MAX,
    POST_LANGUAGES,
    SUBTITLE_MAX,
    web_address_problem,
)
from ..models.posts import BODY_MAX, COMMENT_MAX, TAG_MAX, TAGS_PER_POST, TITLE_MAX
from ..models.schedule import KEEP, BadPublishTime, publish_time
from ..text import refusal


class InvalidInput(Exception):
    """A request body the API refuses; ``status`` is 400 or 415."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def json_object():
    """The request body as a dict; raises :class:`InvalidInput`."""
    if not request.is_json:
        raise InvalidInput(_("The request body must be JSON (Content-Type: application/json)."), status=415)
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw)
    except ValueError as exc:  # includes bytes that are not UTF-8
        raise InvalidInput(_("The request body is not valid JSON: %(exc)s.", exc=exc)) from exc
    except RecursionError as exc:  # thousands of nested brackets
        raise InvalidInput(_("The request body nests too deeply.")) from exc
    if not isinstance(data, dict):
        raise InvalidInput(_('The request body must be a JSON object, e.g. {"title": "...", "body": "..."}.'))
    return data


def _text(data, field, max_length, required, multiline):
    value = data.get(field)
    if value is None:
        if required:
            raise InvalidInput(_("'%(field)s' is required.", field=field))
        return None
    if not isinstance(value, str):
        raise InvalidInput(_("'%(field)s' must be a string.", field=field))
    _check_characters(field, value, multiline)
    if not value.strip():
        raise InvalidInput(_("'%(field)s' must not be empty.", field=field))
    if len(value) > max_length:
        raise InvalidInput(
            _("'%(field)s' is longer than %(max_length)s characters.", field=field, max_length=max_length)
        )
    return value


def _check_characters(field, value, multiline):
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(_("'%(field)s' is not valid Unicode text.", field=field)) from exc
    message = refusal(value, multiline)
    if message:
        raise InvalidInput(_("'%(field)s' %(message)s", field=field, message=message))


def _tags(data):
    value = data.get("tags")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise InvalidInput(_("'tags' must be a list of strings."))
    if len(value) > TAGS_PER_POST:
        raise InvalidInput(_("A post has at most %(TAGS_PER_POST)s tags.", TAGS_PER_POST=TAGS_PER_POST))
    for tag in value:
        _check_characters("tags", tag, multiline=False)
        if len(tag) > TAG_MAX:
            raise InvalidInput(_("A tag is at most %(TAG_MAX)s characters long.", TAG_MAX=TAG_MAX))
    return value


def post_fields(partial=False):
    """``title``, ``body``, ``tags`` and ``draft`` of a post; with
    ``partial`` (an update) any of them may be left out, and is then
    ``None`` (a new post left without ``draft`` is published)."""
    data = json_object()
    return {
        "title": _text(data, "title", TITLE_MAX, required=not partial, multiline=False),
        "body": _text(data, "body", BODY_MAX, required=not partial, multiline=True),
        "tags": _tags(data),
        "draft": _flag(data, "draft", default=None if partial else False),
        "details": _details(data),
        "publish_at": _publish_at(data, KEEP if partial else None),
    }


def _publish_at(data, default):
    """``publish_at``: ISO 8601; without an offset, in the IANA zone
    ``timezone`` names, else UTC. Left out: ``default``; ``null`` or ``""``:
    no schedule (``None``)."""
    value = data.get("publish_at", default)
    if value is default or value is None:
        return value
    zone = data.get("timezone")
    if not isinstance(value, str) or not isinstance(zone, (str, type(None))):
        raise InvalidInput(
            _(
                "'publish_at' must be an ISO 8601 date and time "
                "(and 'timezone' an IANA name such as Europe/Madrid)."
            )
        )
    try:
        return publish_time(value, zone)
    except BadPublishTime as bad:
        raise InvalidInput(f"'publish_at': {bad}") from None


def _details(data):
    """The writer's details (models/details.py): a field left out keeps
    its value (``None``); ``null`` or ``""`` clears it."""
    details = {
        "subtitle": _detail_text(data, "subtitle", SUBTITLE_MAX, multiline=False),
        "custom_excerpt": _detail_text(data, "custom_excerpt", CUSTOM_EXCERPT_MAX, multiline=True),
        "canonical_url": _detail_text(data, "canonical_url", CANONICAL_URL_MAX, multiline=False),
        "cover": _detail_text(data, "cover", 24, multiline=False),
        "lang": _detail_text(data, "lang", LANG_MAX, multiline=False),
    }
    if details["lang"] and details["lang"] not in POST_LANGUAGES:
        raise InvalidInput(_("'lang' must be one of: %(codes)s.", codes=", ".join(POST_LANGUAGES)))
    url = details["canonical_url"]
    if url and web_address_problem(url):
        raise InvalidInput("'canonical_url' " + web_address_problem(url))
    if details["cover"] and not ObjectId.is_valid(details["cover"]):
        raise InvalidInput(_("'cover' must be the id of a stored image the body shows (24 hex digits)."))
    return details


def _detail_text(data, field, max_length, multiline):
    if field not in data:
        return None
    value = data[field]
    if value is None or value == "":
        return ""
    return _text(data, field, max_length, required=False, multiline=multiline)


def _flag(data, field, default):
    value = data.get(field, default)
    if value is not default and not isinstance(value, bool):
        raise InvalidInput(_("'%(field)s' must be true or false.", field=field))
    return value


def comment_body():
    return _text(json_object(), "body", COMMENT_MAX, required=True, multiline=True)


def comment_parent():
    """The optional ``parent_id`` of a new comment (a reply): an id or ``None``."""
    value = json_object().get("parent_id")
    if value is not None and not (isinstance(value, str) and ObjectId.is_valid(value)):
        raise InvalidInput(_("'parent_id' must be the id of a comment of this post (24 hex digits)."))
    return value


def refuse(exc):
    """The error response for :class:`InvalidInput`."""
    return error_response(exc.status, exc.message)


def readable_post_or_404(post, viewer):
    """``post`` when ``viewer`` may read it; someone else's draft does not
    exist for them (404, as on the site)."""
    return found_or_404(post if post is not None and post.can_be_read_by(viewer) else None, "post")


def found_or_404(value, what):
    """``value``, or a 404 naming what was not found. For the model lookups
    that return something other than a queryset's document (a post without
    its comments, a comment entry, a page of comments); a plain document
    lookup uses flask-mongoengine's ``get_or_404``."""
    if value is None:
        abort(404, description=_("No %(what)s with that id.", what=what))
    return value
