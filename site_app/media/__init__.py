from flask import Blueprint

media = Blueprint("media", __name__)

from . import views  # noqa: E402,F401
