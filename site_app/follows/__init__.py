from flask import Blueprint

follows = Blueprint("follows", __name__)

from . import views  # noqa: E402,F401
