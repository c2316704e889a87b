"""Where a reader with an empty Followed tab or search might start: writers
to follow and tags used lately, both from ``discovery.py`` (Explore's)."""

from . import discovery


def writers_to_follow(reader, limit=5):
    """The first few of Explore's suggestions (``discovery.py``, the one
    home of that rule), as accounts."""
    return [suggestion.user for suggestion in discovery.writers_to_follow(reader, limit)]


def popular_tags(limit=12):
    """The tags used most in the newest posts, most used first."""
    return discovery.recent_activity()["tags"][:limit]
