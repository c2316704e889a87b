"""Where a reader with an empty Followed tab might start: writers to follow
(Explore's, from ``discovery.py``) and tags used lately. The tags are read
from the newest posts readers may see (``Post.listing()``, through the
``(draft, -timestamp)`` index), so the cost does not grow with the site;
the shared part is cached per content generation."""
from collections import Counter

from . import discovery
from .content_cache import NEWEST, SEARCH, cached
from .models import Post


def writers_to_follow(reader, limit=5):
    """The first few of Explore's suggestions (``discovery.py``, the one
    home of that rule), as accounts."""
    return [suggestion.user for suggestion in discovery.writers_to_follow(reader, limit)]


def popular_tags(limit=12):
    """The tags used most in the newest posts, most used first."""
    # A post's tags change on publishing (newest) and editing (search).
    return cached("popular-tags", _popular_tags, scopes=(NEWEST, SEARCH))[:limit]


def _popular_tags():
    # Post.listing(): what readers may see (never a draft's tags).
    counts = Counter(tag for post in Post.listing().only("tags").limit(discovery.RECENT_POSTS)
                     for tag in post.tags)
    return [tag for tag, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:50]]
