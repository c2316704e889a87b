"""Views of the media blueprint."""
from . import media  # noqa: F401
