"""Views of the media blueprint: upload, serve files, serve avatars."""

import hashlib

from flask import abort, jsonify, request, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..decorators import CONFIRM, FORBIDDEN, LOG_IN, permission_required
from ..errors import error_response, json_errors
from ..models import Permission, User
from . import media, storage
from .access import readers_of
from .identicon import identicon_svg
from .quota import spend_uploads
from .serving import IMMUTABLE, stream_gridfs_file

# Pages name an avatar with its version (``avatar_url``), so that URL always
# shows the same picture and browsers keep it for a year. A URL without the
# current version (an old page, a hand-typed one) lives ten minutes, then
# revalidates with the ETag (a cheap 304).
AVATAR_CACHE = "public, max-age=600"
VERSIONED_AVATAR_CACHE = "public, max-age=31536000, immutable"
AVATAR_MIN, AVATAR_MAX = 16, 512
# A file not everyone may read (media/access.py): its reader's browser alone
# may keep it, asking each time.
PRIVATE_FILE_CACHE = "private, no-cache"
# A generated SVG avatar may draw, and nothing else.
IDENTICON_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


# The uploader is a script: it gets JSON refusals, never the login page.
_UPLOAD_REFUSALS = {
    LOG_IN: (401, _l("Log in to upload files.")),
    CONFIRM: (403, _l("Confirm your email address before uploading files.")),
    FORBIDDEN: (403, _l("Your account may not upload files.")),
}


@media.post("/upload")
@json_errors
@permission_required(Permission.WRITE, refusals=_UPLOAD_REFUSALS)
def upload():
    try:
        spend_uploads(current_user)
        stored = storage.store_upload(request.files.get("file"), current_user._get_current_object())
    except storage.UploadRejected as rejected:
        return error_response(rejected.status, rejected.message)
    with_url(stored)
    body = {key: stored[key] for key in ("id", "url", "filename", "content_type", "size")}
    body["markdown"] = storage.markdown_for(stored)
    return jsonify(body), 201, {"Location": stored["url"]}


def with_url(stored):
    """``stored`` (a file the store kept) with its ``url``, which the store
    leaves to the views, as ``storage.markdown_for`` needs it."""
    stored["url"] = url_for("media.serve_file", file_id=stored["id"])
    return stored


@media.get("/files/<objectid:file_id>")
def serve_file(file_id):
    size = request.args.get("size")
    if size not in (None, "thumb"):
        abort(400, _("The only size a file has is `thumb`."))
    grid_out = storage.open_stored_file(file_id, thumbnail=size == "thumb")
    may_read, everyone = (False, False) if grid_out is None else readers_of(grid_out, current_user)
    if not may_read:
        if grid_out is not None:
            grid_out.close()
        abort(404, _("There is no such file."))
    return stream_gridfs_file(grid_out, cache_control=IMMUTABLE if everyone else PRIVATE_FILE_CACHE)


@media.get("/avatar/<username>")
def avatar(username):
    """The user's uploaded avatar, or an identicon from the name's hash.

    Unknown names get an identicon too, drawn the same way, so the page can
    always show an image and the answer does not tell whether an account
    exists.
    """
    size = _avatar_size(request.args.get("size", "64"))
    user = User.by_username(username)
    current = request.args.get("v") == avatar_version(user)
    cache_control = VERSIONED_AVATAR_CACHE if current else AVATAR_CACHE
    grid_out = storage.avatar_file(user, size)
    if grid_out is not None:
        return stream_gridfs_file(grid_out, cache_control=cache_control)
    return _identicon_response(username, size, cache_control)


def avatar_version(user):
    """Changes whenever the user's picture does: a new upload, a removal."""
    return str(user.avatar_id) if user is not None and user.avatar_id else "0"


@media.app_template_global()
def avatar_url(user, size):
    """The avatar of ``user`` (a User, or None for a deleted author) at this
    version, which pages may cache for a year."""
    username = user.username if user is not None else "unknown"
    return url_for("media.avatar", username=username, size=size, v=avatar_version(user))


def _avatar_size(value):
    """The size asked for, clamped to AVATAR_MIN..AVATAR_MAX; 400 unless it
    is ASCII digits (``str.isdigit`` also takes "²" and "①", which ``int``
    refuses), at most a few of them."""
    if not (value.isascii() and value.isdigit() and len(value) <= 6):
        abort(
            400,
            _(
                "size must be a whole number of pixels (%(AVATAR_MIN)s to %(AVATAR_MAX)s).",
                AVATAR_MIN=AVATAR_MIN,
                AVATAR_MAX=AVATAR_MAX,
            ),
        )
    return min(max(int(value), AVATAR_MIN), AVATAR_MAX)


def _identicon_response(username, size, cache_control):
    svg = identicon_svg(username, size).encode("utf-8")
    response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(hashlib.sha256(svg).hexdigest())
    response.headers["Cache-Control"] = cache_control
    response.headers["Content-Security-Policy"] = IDENTICON_POLICY
    return response.make_conditional(request)
