from flask import Blueprint

posts = Blueprint("posts", __name__)

from . import views  # noqa: E402,F401
