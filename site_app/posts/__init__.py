from flask import Blueprint

posts = Blueprint("posts", __name__)

from . import revisions, views  # noqa: E402,F401
