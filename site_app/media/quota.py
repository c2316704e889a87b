"""How many files an account may upload: ``UPLOAD_RATE_LIMIT`` (e.g. "60 per
hour"), counted per account over every way in (``/upload``, images on
``/write``, avatars). Every file counts, refused ones too: decoding is the
cost being bounded."""

from flask import current_app
from flask_babel import gettext as _
from limits import parse

from .. import rate_counters
from .storage import UploadRejected


def spend_uploads(user, count=1):
    """Count ``count`` files against ``user``'s allowance; raises
    :class:`UploadRejected` (429) when they do not fit."""
    if not current_app.config.get("RATELIMIT_ENABLED") or count < 1:
        return
    limit = parse(current_app.config["UPLOAD_RATE_LIMIT"])
    if not rate_counters.hit(limit, "upload", str(user.id), cost=count):
        raise UploadRejected(
            _(
                "You have uploaded too many files: the site accepts %(UPLOAD_RATE_LIMIT)s. Try again later.",
                UPLOAD_RATE_LIMIT=current_app.config["UPLOAD_RATE_LIMIT"],
            ),
            status=429,
        )
