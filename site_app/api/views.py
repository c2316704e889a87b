"""The JSON API."""
from . import api  # noqa: F401
