"""Views of the posts blueprint."""
from . import posts  # noqa: F401
