"""Views of the profiles blueprint."""
from . import profiles  # noqa: F401
