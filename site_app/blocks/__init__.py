from flask import Blueprint

blocks = Blueprint("blocks", __name__)

from . import views  # noqa: E402,F401
