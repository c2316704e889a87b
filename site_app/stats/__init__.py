"""A writer's numbers: views, likes and comments of their posts over the
last 30 days, with a chart drawn on the server."""

from flask import Blueprint

stats = Blueprint("stats", __name__)

from . import views  # noqa: E402,F401
