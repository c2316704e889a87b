"""Views of the follows blueprint."""
from . import follows  # noqa: F401
