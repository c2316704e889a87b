"""Views of the comments blueprint."""
from . import comments  # noqa: F401
