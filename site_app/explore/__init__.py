"""Discovery: writers to follow and the tags trending this week."""

from flask import Blueprint

explore = Blueprint("explore", __name__)

from . import views  # noqa: E402,F401
