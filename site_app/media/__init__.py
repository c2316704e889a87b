from flask import Blueprint

from .release import connect_signals  # noqa: F401  (create_app's wiring block calls it)

media = Blueprint("media", __name__)

from . import views  # noqa: E402,F401
