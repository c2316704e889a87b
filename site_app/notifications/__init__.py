"""Notifications: the listeners that store them (community signals), the
reader's list and the navbar's unread count."""

from flask import Blueprint

notifications = Blueprint("notifications", __name__)

from . import digest, views  # noqa: E402,F401
from .listeners import connect_signals  # noqa: E402,F401  (create_app's wiring block calls it)
