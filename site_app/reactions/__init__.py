"""A reader's reactions to posts: likes (public, counted) and bookmarks
(private, listed at ``/bookmarks``)."""

from flask import Blueprint

reactions = Blueprint("reactions", __name__)

from . import marks, views  # noqa: E402,F401
