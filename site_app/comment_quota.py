"""How fast one account may comment: ``COMMENT_RATE_LIMIT`` (e.g. "10 per
minute") counts new comments, replies and edits, on the site and through
the API alike, so no account floods a post, its author's notifications or
the members it names."""

import time

from flask import current_app
from flask_babel import gettext as _
from limits import parse
from werkzeug.exceptions import TooManyRequests

from .extensions import limiter


class TooManyComments(TooManyRequests):
    """Over the limit: a 429 with ``Retry-After`` (the web form shows it
    beside the text, which it keeps)."""


def spend_comment_allowance(user):
    """Count one comment or edit of ``user``; raises :class:`TooManyComments`
    when it does not fit."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED"):
        return
    limit, keys = parse(config["COMMENT_RATE_LIMIT"]), ("comment", str(user.id))
    if not limiter.limiter.hit(limit, *keys):
        reset_at, _remaining = limiter.limiter.get_window_stats(limit, *keys)
        raise TooManyComments(
            _(
                "You are commenting too fast: the site accepts %(COMMENT_RATE_LIMIT)s "
                "comments and edits. Wait a moment and send it again.",
                COMMENT_RATE_LIMIT=config["COMMENT_RATE_LIMIT"],
            ),
            retry_after=max(1, int(reset_at - time.time())),
        )
