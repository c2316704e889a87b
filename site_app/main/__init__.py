from flask import Blueprint

main = Blueprint("main", __name__)

from . import health, language, machines, views  # noqa: E402,F401
