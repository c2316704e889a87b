"""A member's own account: their archive (export) and leaving (deletion)."""

from flask import Blueprint

account = Blueprint("account", __name__)

from . import views  # noqa: E402,F401
