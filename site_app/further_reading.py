"""What a reader is offered at the end of a post: more from its writer and
posts sharing its tags.

Two small queries, each through an index (``(author, draft, -timestamp,
-id)``, ``(tags, -timestamp, -id)``), each bounded by ``SHOWN``; drafts left
out as on every list (``Post.listing()``). Related posts are the newest of
other writers sharing a tag: "newest" rather than "most tags in common",
because ranking by overlap would read every post of every tag.
"""

from collections import namedtuple

from .content_cache import record_lists, tag_scope
from .models import Post

SHOWN = 3
# Only what the short list shows: no body, no comments.
_FIELDS = ("title", "timestamp", "reading", "author", "tags")

FurtherReading = namedtuple("FurtherReading", "more_from related")


def further_reading(post):
    """More from the post's writer, and related posts by other writers."""
    return FurtherReading(more_from=_more_from(post), related=_related(post))


def _more_from(post):
    return list(Post.listing().filter(author=post.author_id, id__ne=post.id).only(*_FIELDS).limit(SHOWN))


def _related(post):
    if not post.tags:
        return []
    # A cached page showing them goes stale with its tags' lists.
    record_lists(*(tag_scope(tag) for tag in post.tags))
    return list(
        Post.listing().filter(tags__in=list(post.tags), author__ne=post.author_id).only(*_FIELDS).limit(SHOWN)
    )
