"""Where a reader with an empty Followed tab might start: writers who posted
lately and tags used lately. Both are read from the newest posts readers
may see (``Post.listing()``, through the ``(-timestamp, -id)`` index), so
the cost does not grow with the site; the shared part is cached per content
generation."""
from collections import Counter

from .content_cache import cached
from .models import Post, User

# How far back "lately" reaches, in posts.
RECENT_POSTS = 300


def writers_to_follow(reader, limit=5):
    """Up to ``limit`` active writers the reader does not follow yet, most
    prolific lately first."""
    skip = set(reader.following_ids()) | {reader.id}
    ids = [author for author in cached("recent-writers", _recent_writers) if author not in skip]
    ids = ids[:limit]
    found = {user.id: user for user in User.objects(id__in=ids, disabled__ne=True)}
    return [found[i] for i in ids if i in found]


def popular_tags(limit=12):
    """The tags used most in the newest posts, most used first."""
    return cached("popular-tags", _popular_tags)[:limit]


def _recent_writers():
    counts = Counter(post.author_id for post in
                     Post.listing().only("author").limit(RECENT_POSTS).no_dereference())
    return [author for author, _n in counts.most_common(50)]


def _popular_tags():
    # Post.listing(): what readers may see (never a draft's tags).
    counts = Counter(tag for post in Post.listing().only("tags").limit(RECENT_POSTS)
                     for tag in post.tags)
    return [tag for tag, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:50]]
