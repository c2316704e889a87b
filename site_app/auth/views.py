"""Views of the auth blueprint."""
from . import auth  # noqa: F401
