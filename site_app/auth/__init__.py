from flask import Blueprint

auth = Blueprint("auth", __name__)

from . import signed_in, two_factor, views  # noqa: E402,F401
