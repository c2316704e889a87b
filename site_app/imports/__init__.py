"""Import: a writer brings in posts from an Inkwell export, WordPress,
Ghost, Medium or a feed (``GET/POST /import``)."""

from flask import Blueprint

imports = Blueprint("imports", __name__)

from . import views  # noqa: E402,F401
